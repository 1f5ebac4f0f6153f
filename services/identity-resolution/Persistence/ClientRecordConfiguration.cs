using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Persistence;

internal sealed class ClientRecordConfiguration : IEntityTypeConfiguration<ClientRecord>
{
    public void Configure(EntityTypeBuilder<ClientRecord> builder)
    {
        builder.ToTable("client_records");
        builder.HasKey(r => r.Id).HasName("pk_client_records");

        builder.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(r => r.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(r => r.Source).HasColumnName("source").IsRequired();
        builder.Property(r => r.RawRecordId).HasColumnName("raw_record_id");
        builder.Property(r => r.EntityType).HasColumnName("entity_type").IsRequired();
        builder.Property(r => r.ExternalId).HasColumnName("external_id").IsRequired();
        builder.Property(r => r.ClientId).HasColumnName("client_id");
        builder.Property(r => r.LinkedAt).HasColumnName("linked_at");

        // The idempotency key: a replayed RawRecordStaged finds its row here.
        builder.HasIndex(r => new { r.WorkspaceId, r.Source, r.RawRecordId }).IsUnique()
            .HasDatabaseName("ux_client_records_workspace_source_raw_record");
        builder.HasIndex(r => r.ClientId).HasDatabaseName("ix_client_records_client");
    }
}
