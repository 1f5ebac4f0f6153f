using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence.Configurations;

internal sealed class Customer360Configuration : IEntityTypeConfiguration<Customer360>
{
    public void Configure(EntityTypeBuilder<Customer360> builder)
    {
        builder.ToTable("customer_360", table =>
        {
            table.HasCheckConstraint("ck_customer_360_segment", "segment in ('lead', 'new', 'active', 'at_risk', 'churned', 'vip')");
            table.HasCheckConstraint("ck_customer_360_churn_risk", "churn_risk is null or churn_risk in ('low', 'medium', 'high')");
        });
        builder.HasKey(c => c.ClientId).HasName("pk_customer_360");
        builder.Property(c => c.ClientId).HasColumnName("client_id").ValueGeneratedNever();
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(c => c.Segment).HasColumnName("segment").IsRequired();
        builder.Property(c => c.ChurnRisk).HasColumnName("churn_risk");
        builder.Property(c => c.Ltv).HasColumnName("ltv").HasPrecision(18, 2);
        builder.Property(c => c.LtvCurrency).HasColumnName("ltv_currency");
        builder.Property(c => c.LtvByCurrency).HasColumnName("ltv_by_currency").HasColumnType("jsonb").IsRequired();
        builder.Property(c => c.PurchaseCount).HasColumnName("purchase_count");
        builder.Property(c => c.FirstPurchaseAt).HasColumnName("first_purchase_at");
        builder.Property(c => c.LastPurchaseAt).HasColumnName("last_purchase_at");
        builder.Property(c => c.PurchaseIntervalDays).HasColumnName("purchase_interval_days").HasPrecision(10, 2);
        builder.Property(c => c.TotalDeposit).HasColumnName("total_deposit").HasPrecision(18, 2);
        builder.Property(c => c.TotalWithdraw).HasColumnName("total_withdraw").HasPrecision(18, 2);
        builder.Property(c => c.InvestmentCurrency).HasColumnName("investment_currency");
        builder.Property(c => c.LastActivityAt).HasColumnName("last_activity_at");
        builder.Property(c => c.IsCsCustomer).HasColumnName("is_cs_customer");
        builder.Property(c => c.Metadata).HasColumnName("metadata").HasColumnType("jsonb").IsRequired();
        builder.Property(c => c.SegmentComputedAt).HasColumnName("segment_computed_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        builder.HasIndex(c => new { c.WorkspaceId, c.Segment }).HasDatabaseName("ix_customer_360_workspace_segment");
    }
}
