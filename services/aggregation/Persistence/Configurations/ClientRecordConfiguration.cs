using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence.Configurations;

internal sealed class ClientRecordConfiguration : IEntityTypeConfiguration<ClientRecord>
{
    public void Configure(EntityTypeBuilder<ClientRecord> builder)
    {
        builder.ToTable("client_records");
        // The record's key is its identity at the source (external id before entity type: a refund's charge_id finds its
        // charge without knowing its type); id only numbers rows. A key on id as well cost every linked record one more
        // index entry, and nothing looked a row up by it.
        builder.HasKey(r => new { r.WorkspaceId, r.Source, r.ExternalId, r.EntityType }).HasName("pk_client_records");
        builder.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(r => r.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(r => r.Source).HasColumnName("source").IsRequired();
        builder.Property(r => r.EntityType).HasColumnName("entity_type").IsRequired();
        builder.Property(r => r.ExternalId).HasColumnName("external_id").IsRequired();
        builder.Property(r => r.ClientId).HasColumnName("client_id");
        builder.Property(r => r.ClientVersion).HasColumnName("client_version");
        builder.Property(r => r.RawRecordId).HasColumnName("raw_record_id");
        builder.Property(r => r.SourceUpdatedAt).HasColumnName("source_updated_at");
        builder.Property(r => r.Attributes).HasColumnName("attributes").HasColumnType("jsonb").IsRequired();
        builder.Property(r => r.Tags).HasColumnName("tags").IsRequired();
        builder.Property(r => r.IsCustomer).HasColumnName("is_customer");
        builder.Property(r => r.Plan).HasColumnName("plan");
        builder.Property(r => r.PlanRank).HasColumnName("plan_rank");
        builder.Property(r => r.SgtExtras).HasColumnName("sgt_extras").HasColumnType("jsonb");
        builder.Property(r => r.FirstSeenAt).HasColumnName("first_seen_at");
        builder.Property(r => r.UpdatedAt).HasColumnName("updated_at");

        builder.HasIndex(r => r.ClientId).HasDatabaseName("ix_client_records_client");
    }
}
