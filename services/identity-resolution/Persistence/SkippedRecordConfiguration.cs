using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Persistence;

internal sealed class SkippedRecordConfiguration : IEntityTypeConfiguration<SkippedRecord>
{
    public void Configure(EntityTypeBuilder<SkippedRecord> builder)
    {
        builder.ToTable("skipped_records");
        builder.HasKey(r => r.Id).HasName("pk_skipped_records");

        builder.Property(r => r.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(r => r.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(r => r.Source).HasColumnName("source").IsRequired();
        builder.Property(r => r.RawRecordId).HasColumnName("raw_record_id");
        builder.Property(r => r.EntityType).HasColumnName("entity_type").IsRequired();
        builder.Property(r => r.ExternalId).HasColumnName("external_id").IsRequired();
        builder.Property(r => r.Reason).HasColumnName("reason").IsRequired();
        builder.Property(r => r.SkippedAt).HasColumnName("skipped_at");

        builder.HasIndex(r => new { r.WorkspaceId, r.Source, r.RawRecordId }).IsUnique()
            .HasDatabaseName("ux_skipped_records_workspace_source_raw_record");
    }
}
