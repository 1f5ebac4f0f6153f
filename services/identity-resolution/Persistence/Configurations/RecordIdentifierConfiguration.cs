using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence.Configurations;

internal sealed class RecordIdentifierConfiguration : IEntityTypeConfiguration<RecordIdentifier>
{
    public void Configure(EntityTypeBuilder<RecordIdentifier> builder)
    {
        builder.ToTable("record_identifiers");
        builder.HasKey(i => new { i.RecordId, i.ValueId }).HasName("pk_record_identifiers");
        builder.Property(i => i.RecordId).HasColumnName("record_id");
        builder.Property(i => i.ValueId).HasColumnName("value_id");

        // Value → records: how a component is walked and how search by email/phone/document finds clients.
        builder.HasIndex(i => new { i.ValueId, i.RecordId }).HasDatabaseName("ix_record_identifiers_value");
        builder.HasOne<SourceRecord>().WithMany().HasForeignKey(i => i.RecordId)
            .HasConstraintName("fk_record_identifiers_records").OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<IdentifierValue>().WithMany().HasForeignKey(i => i.ValueId)
            .HasConstraintName("fk_record_identifiers_identifier_values").OnDelete(DeleteBehavior.Restrict);
    }
}
