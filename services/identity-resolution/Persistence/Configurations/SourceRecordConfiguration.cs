using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence.Configurations;

internal sealed class SourceRecordConfiguration : IEntityTypeConfiguration<SourceRecord>
{
    public void Configure(EntityTypeBuilder<SourceRecord> builder)
    {
        builder.ToTable("records", table =>
            table.HasCheckConstraint("ck_records_status", "status in ('linked', 'skipped', 'waiting')"));
        builder.HasKey(r => r.Id).HasName("pk_records");

        builder.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(r => r.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(r => r.Source).HasColumnName("source").IsRequired();
        builder.Property(r => r.EntityType).HasColumnName("entity_type").IsRequired();
        builder.Property(r => r.ExternalId).HasColumnName("external_id").IsRequired();
        builder.Property(r => r.RawRecordId).HasColumnName("raw_record_id");
        builder.Property(r => r.SourceUpdatedAt).HasColumnName("source_updated_at");
        builder.Property(r => r.StagedAt).HasColumnName("staged_at");
        builder.Property(r => r.CorrelationId).HasColumnName("correlation_id");
        builder.Property(r => r.ClientId).HasColumnName("client_id");
        builder.Property(r => r.Status).HasColumnName("status").IsRequired();
        builder.Property(r => r.StatusReason).HasColumnName("status_reason");
        builder.Property(r => r.Fields).HasColumnName("fields").HasColumnType("jsonb").IsRequired();
        builder.Property(r => r.UnusableIdentifiers).HasColumnName("unusable_identifiers").HasColumnType("jsonb").IsRequired();
        builder.Property(r => r.Payload).HasColumnName("payload").HasColumnType("jsonb").IsRequired();
        builder.Property(r => r.FirstSeenAt).HasColumnName("first_seen_at");
        builder.Property(r => r.UpdatedAt).HasColumnName("updated_at");
        builder.Property(r => r.LinkedAt).HasColumnName("linked_at");

        // The record's identity: a later version updates the row, a replay finds it unchanged.
        builder.HasIndex(r => new { r.WorkspaceId, r.Source, r.EntityType, r.ExternalId }).IsUnique()
            .HasDatabaseName("ux_records_workspace_source_type_external");
        builder.HasIndex(r => r.ClientId).HasDatabaseName("ix_records_client");
        // Only the records in no client (the skipped-records list): linked records, nearly all of them, are not in it.
        builder.HasIndex(r => new { r.WorkspaceId, r.Status, r.Id }).HasDatabaseName("ix_records_workspace_status")
            .HasFilter("status <> 'linked'");
        builder.HasOne<Client>().WithMany().HasForeignKey(r => r.ClientId)
            .HasConstraintName("fk_records_clients").OnDelete(DeleteBehavior.Restrict);
    }
}
