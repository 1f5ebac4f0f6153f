using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Persistence.Configurations;

internal sealed class UnifyRequestConfiguration : IEntityTypeConfiguration<UnifyRequest>
{
    public void Configure(EntityTypeBuilder<UnifyRequest> builder)
    {
        builder.ToTable("unify_requests");
        builder.HasKey(u => u.Id).HasName("pk_unify_requests");

        builder.Property(u => u.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(u => u.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(u => u.SyncRunId).HasColumnName("sync_run_id");
        builder.Property(u => u.RequestedBy).HasColumnName("requested_by");
        builder.Property(u => u.RequestedAt).HasColumnName("requested_at");
        builder.Property(u => u.CorrelationId).HasColumnName("correlation_id");

        builder.HasMany(u => u.Sources).WithOne().HasForeignKey(s => s.RequestId)
            .HasConstraintName("fk_unify_request_sources_request").OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(u => new { u.WorkspaceId, u.RequestedAt }).HasDatabaseName("ix_unify_requests_workspace_requested");
    }
}

internal sealed class UnifyRequestSourceConfiguration : IEntityTypeConfiguration<UnifyRequestSource>
{
    public void Configure(EntityTypeBuilder<UnifyRequestSource> builder)
    {
        builder.ToTable("unify_request_sources");
        builder.HasKey(s => new { s.RequestId, s.Source }).HasName("pk_unify_request_sources");

        builder.Property(s => s.RequestId).HasColumnName("request_id");
        builder.Property(s => s.Source).HasColumnName("source");
        builder.Property(s => s.WaitingAtRequest).HasColumnName("waiting_at_request");
        builder.Property(s => s.PublishedAtRequest).HasColumnName("published_at_request");
        builder.Property(s => s.SentAt).HasColumnName("sent_at");
    }
}
