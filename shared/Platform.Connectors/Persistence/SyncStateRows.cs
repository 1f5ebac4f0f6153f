using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Platform.Connectors.Persistence;

/// <summary>A sync run as this connector executes it (the orchestrator keeps the operator-facing record).</summary>
public sealed class SyncRunRow
{
    public Guid Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string[] Streams { get; set; }
    public required string Mode { get; set; }
    public DateTimeOffset? RangeFrom { get; set; }
    public DateTimeOffset? RangeTo { get; set; }
    public required string Unify { get; set; }
    /// <summary><c>pending</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>.</summary>
    public required string Status { get; set; }
    public bool CancelRequested { get; set; }
    public string? ErrorCode { get; set; }
    public string? Error { get; set; }
    public Guid CorrelationId { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>The final SyncCompleted/SyncFailed reached the broker (the run table is its outbox).</summary>
    public bool OutcomePublished { get; set; }
}

/// <summary>Where a run stands in one stream; committed with each page's rows.</summary>
public sealed class SyncCheckpointRow
{
    public Guid RunId { get; set; }
    public required string Stream { get; set; }
    public string? Cursor { get; set; }
    public DateTimeOffset? Since { get; set; }
    public DateTimeOffset? Until { get; set; }
    public int Pages { get; set; }
    public long Fetched { get; set; }
    public long Staged { get; set; }
    public DateTimeOffset? MaxSourceUpdatedAt { get; set; }
    public bool Done { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The live incremental cursor of a workspace's stream: the newest source update a finished run saw.</summary>
public sealed class StreamWatermarkRow
{
    public required string WorkspaceId { get; set; }
    public required string Stream { get; set; }
    public DateTimeOffset Watermark { get; set; }
    public Guid RunId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SyncRunRowConfiguration : IEntityTypeConfiguration<SyncRunRow>
{
    public void Configure(EntityTypeBuilder<SyncRunRow> row)
    {
        row.ToTable("sync_runs");
        row.HasKey(r => r.Id);
        row.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
        row.Property(r => r.WorkspaceId).HasColumnName("workspace_id");
        row.Property(r => r.Streams).HasColumnName("streams");
        row.Property(r => r.Mode).HasColumnName("mode");
        row.Property(r => r.RangeFrom).HasColumnName("range_from");
        row.Property(r => r.RangeTo).HasColumnName("range_to");
        row.Property(r => r.Unify).HasColumnName("unify");
        row.Property(r => r.Status).HasColumnName("status");
        row.Property(r => r.CancelRequested).HasColumnName("cancel_requested");
        row.Property(r => r.ErrorCode).HasColumnName("error_code");
        row.Property(r => r.Error).HasColumnName("error");
        row.Property(r => r.CorrelationId).HasColumnName("correlation_id");
        row.Property(r => r.RequestedAt).HasColumnName("requested_at");
        row.Property(r => r.StartedAt).HasColumnName("started_at");
        row.Property(r => r.FinishedAt).HasColumnName("finished_at");
        row.Property(r => r.OutcomePublished).HasColumnName("outcome_published");
        row.HasIndex(r => r.Status).HasDatabaseName("ix_sync_runs_status");
    }
}

internal sealed class SyncCheckpointRowConfiguration : IEntityTypeConfiguration<SyncCheckpointRow>
{
    public void Configure(EntityTypeBuilder<SyncCheckpointRow> row)
    {
        row.ToTable("sync_checkpoints");
        row.HasKey(c => new { c.RunId, c.Stream });
        row.Property(c => c.RunId).HasColumnName("run_id");
        row.Property(c => c.Stream).HasColumnName("stream");
        row.Property(c => c.Cursor).HasColumnName("cursor");
        row.Property(c => c.Since).HasColumnName("since");
        row.Property(c => c.Until).HasColumnName("until");
        row.Property(c => c.Pages).HasColumnName("pages");
        row.Property(c => c.Fetched).HasColumnName("fetched");
        row.Property(c => c.Staged).HasColumnName("staged");
        row.Property(c => c.MaxSourceUpdatedAt).HasColumnName("max_source_updated_at");
        row.Property(c => c.Done).HasColumnName("done");
        row.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        row.HasOne<SyncRunRow>().WithMany().HasForeignKey(c => c.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StreamWatermarkRowConfiguration : IEntityTypeConfiguration<StreamWatermarkRow>
{
    public void Configure(EntityTypeBuilder<StreamWatermarkRow> row)
    {
        row.ToTable("stream_watermarks");
        row.HasKey(w => new { w.WorkspaceId, w.Stream });
        row.Property(w => w.WorkspaceId).HasColumnName("workspace_id");
        row.Property(w => w.Stream).HasColumnName("stream");
        row.Property(w => w.Watermark).HasColumnName("watermark");
        row.Property(w => w.RunId).HasColumnName("run_id");
        row.Property(w => w.UpdatedAt).HasColumnName("updated_at");
    }
}
