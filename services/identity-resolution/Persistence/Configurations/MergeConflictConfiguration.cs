using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence.Configurations;

internal sealed class MergeConflictConfiguration : IEntityTypeConfiguration<MergeConflict>
{
    public void Configure(EntityTypeBuilder<MergeConflict> builder)
    {
        builder.ToTable("merge_conflicts", table =>
            table.HasCheckConstraint("ck_merge_conflicts_status", "status in ('open', 'merged', 'kept_apart', 'superseded')"));
        builder.HasKey(c => c.Id).HasName("pk_merge_conflicts");

        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(c => c.ClientAId).HasColumnName("client_a_id");
        builder.Property(c => c.ClientBId).HasColumnName("client_b_id");
        builder.Property(c => c.IdentifierKind).HasColumnName("identifier_kind").IsRequired();
        builder.Property(c => c.IdentifierValue).HasColumnName("identifier_value").IsRequired();
        builder.Property(c => c.Rule).HasColumnName("rule").IsRequired();
        builder.Property(c => c.RecordAId).HasColumnName("record_a_id");
        builder.Property(c => c.RecordBId).HasColumnName("record_b_id");
        builder.Property(c => c.Status).HasColumnName("status").IsRequired();
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.ResolvedAt).HasColumnName("resolved_at");
        builder.Property(c => c.DecisionId).HasColumnName("decision_id");

        // One open conflict per pair of clients and value: a recompute that finds it again changes nothing.
        builder.HasIndex(c => new { c.WorkspaceId, c.ClientAId, c.ClientBId, c.IdentifierKind, c.IdentifierValue }).IsUnique()
            .HasFilter("status = 'open'").HasDatabaseName("ux_merge_conflicts_open");
        builder.HasIndex(c => new { c.WorkspaceId, c.Status, c.CreatedAt }).HasDatabaseName("ix_merge_conflicts_workspace_status");
        builder.HasIndex(c => c.ClientAId).HasDatabaseName("ix_merge_conflicts_client_a");
        builder.HasIndex(c => c.ClientBId).HasDatabaseName("ix_merge_conflicts_client_b");
    }
}
