using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Persistence.Configurations;

internal sealed class SyncRunConfiguration : IEntityTypeConfiguration<SyncRun>
{
    public void Configure(EntityTypeBuilder<SyncRun> builder)
    {
        builder.ToTable("sync_runs", table =>
        {
            table.HasCheckConstraint("ck_sync_runs_status",
                "status in ('requested', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled')");
            table.HasCheckConstraint("ck_sync_runs_mode", "mode in ('full', 'incremental')");
            table.HasCheckConstraint("ck_sync_runs_unify", "unify in ('now', 'deferred')");
            table.HasCheckConstraint("ck_sync_runs_trigger", "trigger in ('operator', 'schedule')");
        });
        builder.HasKey(r => r.Id).HasName("pk_sync_runs");

        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(r => r.WorkspaceId).HasColumnName("workspace_id").IsRequired();
        builder.Property(r => r.Source).HasColumnName("source").IsRequired();
        builder.Property(r => r.Streams).HasColumnName("streams").HasColumnType("text[]").IsRequired();
        builder.Property(r => r.Mode).HasColumnName("mode").IsRequired();
        builder.Property(r => r.RangeFrom).HasColumnName("range_from");
        builder.Property(r => r.RangeTo).HasColumnName("range_to");
        builder.Property(r => r.Unify).HasColumnName("unify").IsRequired();
        builder.Property(r => r.Status).HasColumnName("status").IsRequired();
        builder.Property(r => r.Trigger).HasColumnName("trigger").IsRequired();
        builder.Property(r => r.ScheduleId).HasColumnName("schedule_id");
        builder.Property(r => r.RequestedBy).HasColumnName("requested_by");
        builder.Property(r => r.CorrelationId).HasColumnName("correlation_id");
        builder.Property(r => r.RequestedAt).HasColumnName("requested_at");
        builder.Property(r => r.StartSentAt).HasColumnName("start_sent_at");
        builder.Property(r => r.StartedAt).HasColumnName("started_at");
        builder.Property(r => r.LastProgressAt).HasColumnName("last_progress_at");
        builder.Property(r => r.FinishedAt).HasColumnName("finished_at");
        builder.Property(r => r.ErrorCode).HasColumnName("error_code");
        builder.Property(r => r.Error).HasColumnName("error");
        builder.Property(r => r.FailedStream).HasColumnName("failed_stream");
        builder.Property(r => r.CancelRequestedAt).HasColumnName("cancel_requested_at");
        builder.Property(r => r.CancelRequestedBy).HasColumnName("cancel_requested_by");
        builder.Property(r => r.CancelReason).HasColumnName("cancel_reason");
        builder.Property(r => r.CancelSentAt).HasColumnName("cancel_sent_at");
        builder.Property(r => r.StuckSince).HasColumnName("stuck_since");

        builder.HasMany(r => r.StreamProgress).WithOne().HasForeignKey(s => s.RunId)
            .HasConstraintName("fk_sync_run_streams_run").OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(r => new { r.WorkspaceId, r.RequestedAt }).HasDatabaseName("ix_sync_runs_workspace_requested");
        builder.HasIndex(r => new { r.WorkspaceId, r.Source, r.Status }).HasDatabaseName("ix_sync_runs_workspace_source_status");
        // The dispatcher and the stuck detector only look at active runs.
        builder.HasIndex(r => r.RequestedAt).HasFilter("status in ('requested', 'running', 'cancelling')")
            .HasDatabaseName("ix_sync_runs_active");
    }
}

internal sealed class SyncRunStreamConfiguration : IEntityTypeConfiguration<SyncRunStream>
{
    public void Configure(EntityTypeBuilder<SyncRunStream> builder)
    {
        builder.ToTable("sync_run_streams");
        builder.HasKey(s => new { s.RunId, s.Stream }).HasName("pk_sync_run_streams");

        builder.Property(s => s.RunId).HasColumnName("run_id");
        builder.Property(s => s.Stream).HasColumnName("stream");
        builder.Property(s => s.RecordsFetched).HasColumnName("records_fetched");
        builder.Property(s => s.RecordsStaged).HasColumnName("records_staged");
        builder.Property(s => s.Pages).HasColumnName("pages");
        builder.Property(s => s.Retries).HasColumnName("retries");
        builder.Property(s => s.RateLimitWaits).HasColumnName("rate_limit_waits");
        builder.Property(s => s.Checkpoint).HasColumnName("checkpoint");
        builder.Property(s => s.LastProgressAt).HasColumnName("last_progress_at");
        builder.Property(s => s.Watermark).HasColumnName("watermark");
        builder.Property(s => s.Completed).HasColumnName("completed");
    }
}
