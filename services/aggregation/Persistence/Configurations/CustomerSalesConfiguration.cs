using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence.Configurations;

internal sealed class CustomerSalesConfiguration : IEntityTypeConfiguration<CustomerSales>
{
    public void Configure(EntityTypeBuilder<CustomerSales> builder)
    {
        builder.ToTable("customer_sales");
        builder.HasKey(c => new { c.ClientId, c.Currency }).HasName("pk_customer_sales");
        builder.Property(c => c.ClientId).HasColumnName("client_id");
        builder.Property(c => c.Currency).HasColumnName("currency");
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(c => c.TotalDeals).HasColumnName("total_deals");
        builder.Property(c => c.WonDeals).HasColumnName("won_deals");
        builder.Property(c => c.TotalSales).HasColumnName("total_sales");
        builder.Property(c => c.TotalRevenue).HasColumnName("total_revenue").HasPrecision(18, 2);
        builder.Property(c => c.AverageDealValue).HasColumnName("average_deal_value").HasPrecision(18, 2);
        builder.Property(c => c.FirstPurchaseAt).HasColumnName("first_purchase_at");
        builder.Property(c => c.LastPurchaseAt).HasColumnName("last_purchase_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        builder.HasIndex(c => new { c.WorkspaceId, c.Currency, c.TotalRevenue }).HasDatabaseName("ix_customer_sales_top");
    }
}
