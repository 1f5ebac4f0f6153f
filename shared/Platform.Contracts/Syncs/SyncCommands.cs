namespace Platform.Contracts.Syncs;

/// <summary>Sent to a connector's queue to run a sync in the background.</summary>
public sealed record StartSync
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id (the operator's request).</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The run, recorded by the orchestrator before sending.</summary>
    public required Guid SyncRunId { get; init; }
    /// <summary>Source name; must be the receiving connector's.</summary>
    public required string Source { get; init; }
    /// <summary>Streams to sync; empty means all of the source's streams.</summary>
    public IReadOnlyList<string> Streams { get; init; } = [];
    /// <summary>Full or incremental.</summary>
    public required SyncMode Mode { get; init; }
    /// <summary>Start of a date-range backfill (inclusive); a range never moves the live incremental cursor.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>End of a date-range backfill (exclusive).</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>Unify now, or stage and wait for <see cref="ReleaseStagedRecords"/>.</summary>
    public UnifyMode Unify { get; init; } = UnifyMode.Now;
}

/// <summary>Full reads everything; incremental starts from the last successful watermark with an overlap.</summary>
public enum SyncMode
{
    /// <summary>Everything the source has (or the given date range).</summary>
    Full,
    /// <summary>Only what changed since the last successful watermark.</summary>
    Incremental,
}

/// <summary>Whether staged records are published for unification at once.</summary>
public enum UnifyMode
{
    /// <summary>Publish <c>RawRecordStaged</c> as soon as rows commit.</summary>
    Now,
    /// <summary>Hold rows until <see cref="ReleaseStagedRecords"/> ("stage first, merge later").</summary>
    Deferred,
}

/// <summary>Sent to a connector's queue to stop a running sync at the next page boundary.</summary>
public sealed record CancelSync
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The run to cancel.</summary>
    public required Guid SyncRunId { get; init; }
    /// <summary>Why, for the run record.</summary>
    public string? Reason { get; init; }
}

/// <summary>Sent to a connector's queue to publish rows staged with <see cref="UnifyMode.Deferred"/>.</summary>
public sealed record ReleaseStagedRecords
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id (the operator's unify request).</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>Release only this run's rows; null releases every deferred row of the workspace.</summary>
    public Guid? SyncRunId { get; init; }
}
