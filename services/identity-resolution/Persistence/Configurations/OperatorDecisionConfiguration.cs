using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence.Configurations;

internal sealed class OperatorDecisionConfiguration : IEntityTypeConfiguration<OperatorDecision>
{
    public void Configure(EntityTypeBuilder<OperatorDecision> builder)
    {
        builder.ToTable("operator_decisions", table =>
            table.HasCheckConstraint("ck_operator_decisions_kind", "kind in ('merge', 'keep_apart', 'split', 'block_value', 'unblock_value')"));
        builder.HasKey(d => d.Id).HasName("pk_operator_decisions");

        builder.Property(d => d.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(d => d.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(d => d.Kind).HasColumnName("kind").IsRequired();
        builder.Property(d => d.ConflictId).HasColumnName("conflict_id");
        builder.Property(d => d.ClientId).HasColumnName("client_id");
        builder.Property(d => d.ValueId).HasColumnName("value_id");
        builder.Property(d => d.Note).HasColumnName("note");
        builder.Property(d => d.DecidedBy).HasColumnName("decided_by");
        builder.Property(d => d.CreatedAt).HasColumnName("created_at");
        builder.Property(d => d.SupersededAt).HasColumnName("superseded_at");
        builder.Property(d => d.SupersededById).HasColumnName("superseded_by_id");

        builder.HasIndex(d => new { d.WorkspaceId, d.CreatedAt }).HasDatabaseName("ix_operator_decisions_workspace_created");
    }
}

internal sealed class OperatorDecisionRecordConfiguration : IEntityTypeConfiguration<OperatorDecisionRecord>
{
    public void Configure(EntityTypeBuilder<OperatorDecisionRecord> builder)
    {
        builder.ToTable("operator_decision_records", table =>
            table.HasCheckConstraint("ck_operator_decision_records_side", "side in (1, 2)"));
        builder.HasKey(r => new { r.DecisionId, r.RecordId }).HasName("pk_operator_decision_records");
        builder.Property(r => r.DecisionId).HasColumnName("decision_id");
        builder.Property(r => r.RecordId).HasColumnName("record_id");
        builder.Property(r => r.Side).HasColumnName("side");

        builder.HasIndex(r => r.RecordId).HasDatabaseName("ix_operator_decision_records_record");
        builder.HasOne<OperatorDecision>().WithMany().HasForeignKey(r => r.DecisionId)
            .HasConstraintName("fk_operator_decision_records_decisions").OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SourceRecord>().WithMany().HasForeignKey(r => r.RecordId)
            .HasConstraintName("fk_operator_decision_records_records").OnDelete(DeleteBehavior.Restrict);
    }
}
