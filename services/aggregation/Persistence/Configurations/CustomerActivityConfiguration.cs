using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence.Configurations;

internal sealed class CustomerActivityConfiguration : IEntityTypeConfiguration<CustomerActivity>
{
    public void Configure(EntityTypeBuilder<CustomerActivity> builder)
    {
        builder.ToTable("customer_activities");
        // Keyed by the record and the activity it gives (a replayed record finds its entry: at most one per record and dedupe
        // key); id orders the timeline (its index) and is no key of its own.
        builder.HasKey(a => new { a.WorkspaceId, a.Source, a.ExternalId, a.EntityType, a.DedupeKey }).HasName("pk_customer_activities");
        builder.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(a => a.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(a => a.ClientId).HasColumnName("client_id");
        builder.Property(a => a.Source).HasColumnName("source").IsRequired();
        builder.Property(a => a.EntityType).HasColumnName("entity_type").IsRequired();
        builder.Property(a => a.ExternalId).HasColumnName("external_id").IsRequired();
        builder.Property(a => a.RawRecordId).HasColumnName("raw_record_id");
        builder.Property(a => a.Type).HasColumnName("type").IsRequired();
        builder.Property(a => a.Title).HasColumnName("title").IsRequired();
        builder.Property(a => a.Status).HasColumnName("status");
        builder.Property(a => a.Amount).HasColumnName("amount").HasPrecision(18, 2);
        builder.Property(a => a.Currency).HasColumnName("currency");
        builder.Property(a => a.OccurredAt).HasColumnName("occurred_at");
        builder.Property(a => a.SourceUpdatedAt).HasColumnName("source_updated_at");
        builder.Property(a => a.DedupeKey).HasColumnName("dedupe_key").IsRequired();
        builder.Property(a => a.RecordedAt).HasColumnName("recorded_at");

        builder.HasIndex(a => new { a.ClientId, a.OccurredAt, a.Id }).HasDatabaseName("ix_customer_activities_timeline");
    }
}
