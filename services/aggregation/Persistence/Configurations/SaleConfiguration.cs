using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence.Configurations;

internal sealed class SaleConfiguration : IEntityTypeConfiguration<Sale>
{
    public void Configure(EntityTypeBuilder<Sale> builder)
    {
        builder.ToTable("sales", table =>
        {
            table.HasCheckConstraint("ck_sales_kind",
                "kind in ('deal', 'purchase', 'charge', 'invoice', 'transaction', 'refund', 'chargeback', 'deposit', 'withdrawal')");
            table.HasCheckConstraint("ck_sales_status",
                "status in ('open', 'won', 'lost', 'paid', 'pending', 'refunded', 'partially_refunded', 'chargeback', 'cancelled', 'abandoned')");
        });
        builder.HasKey(s => s.Id).HasName("pk_sales");
        builder.Property(s => s.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(s => s.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(s => s.Source).HasColumnName("source").IsRequired();
        builder.Property(s => s.EntityType).HasColumnName("entity_type").IsRequired();
        builder.Property(s => s.ExternalId).HasColumnName("external_id").IsRequired();
        builder.Property(s => s.ClientId).HasColumnName("client_id");
        builder.Property(s => s.Kind).HasColumnName("kind").IsRequired();
        builder.Property(s => s.Status).HasColumnName("status").IsRequired();
        builder.Property(s => s.BaseStatus).HasColumnName("base_status").IsRequired();
        builder.Property(s => s.SourceStatus).HasColumnName("source_status").IsRequired();
        builder.Property(s => s.Amount).HasColumnName("amount").HasPrecision(18, 2);
        builder.Property(s => s.Currency).HasColumnName("currency");
        builder.Property(s => s.RefundedAmount).HasColumnName("refunded_amount").HasPrecision(18, 2);
        builder.Property(s => s.DisputedAmount).HasColumnName("disputed_amount").HasPrecision(18, 2);
        builder.Property(s => s.NetAmount).HasColumnName("net_amount").HasPrecision(18, 2);
        builder.Property(s => s.OwnRefunded).HasColumnName("own_refunded").HasPrecision(18, 2);
        builder.Property(s => s.OwnDisputed).HasColumnName("own_disputed").HasPrecision(18, 2);
        builder.Property(s => s.AdjustmentAmount).HasColumnName("adjustment_amount").HasPrecision(18, 2);
        builder.Property(s => s.OccurredAt).HasColumnName("occurred_at");
        builder.Property(s => s.Product).HasColumnName("product");
        builder.Property(s => s.ParentRef).HasColumnName("parent_ref");
        builder.Property(s => s.PaymentRef).HasColumnName("payment_ref");
        builder.Property(s => s.InvoiceRef).HasColumnName("invoice_ref");
        builder.Property(s => s.CoverRank).HasColumnName("cover_rank");
        builder.Property(s => s.SupersededBy).HasColumnName("superseded_by");
        builder.Property(s => s.IsCounted).HasColumnName("is_counted");
        builder.Property(s => s.RawRecordId).HasColumnName("raw_record_id");
        builder.Property(s => s.SourceUpdatedAt).HasColumnName("source_updated_at");
        builder.Property(s => s.Record).HasColumnName("record").HasColumnType("jsonb").IsRequired();
        builder.Property(s => s.FirstSeenAt).HasColumnName("first_seen_at");
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at");

        builder.HasIndex(s => new { s.WorkspaceId, s.Source, s.ExternalId, s.EntityType }).IsUnique().HasDatabaseName("ux_sales_key");
        builder.HasIndex(s => new { s.ClientId, s.OccurredAt }).HasDatabaseName("ix_sales_client_occurred");
        builder.HasIndex(s => new { s.WorkspaceId, s.OccurredAt }).HasFilter("is_counted").HasDatabaseName("ix_sales_workspace_counted");
        builder.HasIndex(s => new { s.WorkspaceId, s.Source, s.ParentRef }).HasFilter("parent_ref is not null")
            .HasDatabaseName("ix_sales_parent");
        builder.HasIndex(s => new { s.WorkspaceId, s.Source, s.PaymentRef }).HasFilter("payment_ref is not null")
            .HasDatabaseName("ix_sales_payment");
        builder.HasIndex(s => new { s.WorkspaceId, s.Source, s.InvoiceRef }).HasFilter("invoice_ref is not null")
            .HasDatabaseName("ix_sales_invoice");
    }
}
