namespace Platform.SyncOrchestrator.Persistence.Entities;

/// <summary>
/// A sync as an operator or a schedule asked for it, and what the connector reported about it. The row is
/// also the outbox of its StartSync (<see cref="StartSentAt"/>) and CancelSync (<see cref="CancelSentAt"/>).
/// </summary>
internal sealed class SyncRun
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";

    /// <summary>Streams asked for; empty means every stream of the source.</summary>
    public List<string> Streams { get; set; } = [];

    /// <summary><c>full</c> or <c>incremental</c>.</summary>
    public string Mode { get; set; } = "";
    public DateTimeOffset? RangeFrom { get; set; }
    public DateTimeOffset? RangeTo { get; set; }

    /// <summary><c>now</c> or <c>deferred</c>.</summary>
    public string Unify { get; set; } = "";

    /// <summary>See <see cref="Domain.Runs.RunStatuses"/>.</summary>
    public string Status { get; set; } = "";

    /// <summary><c>operator</c> or <c>schedule</c>.</summary>
    public string Trigger { get; set; } = "";
    public Guid? ScheduleId { get; set; }

    /// <summary>The operator (gateway's <c>X-Operator</c>), when a person asked.</summary>
    public string? RequestedBy { get; set; }
    public Guid CorrelationId { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartSentAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When a progress report last moved the run forward (by the orchestrator's clock).</summary>
    public DateTimeOffset? LastProgressAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? ErrorCode { get; set; }
    public string? Error { get; set; }
    public string? FailedStream { get; set; }
    public DateTimeOffset? CancelRequestedAt { get; set; }
    public string? CancelRequestedBy { get; set; }
    public string? CancelReason { get; set; }
    public DateTimeOffset? CancelSentAt { get; set; }

    /// <summary>Set when the stuck detector found no progress for too long; cleared by the next progress.</summary>
    public DateTimeOffset? StuckSince { get; set; }

    public List<SyncRunStream> StreamProgress { get; set; } = [];
}

/// <summary>One stream of a run, as the connector's progress and completion reported it; never moves backwards.</summary>
internal sealed class SyncRunStream
{
    public Guid RunId { get; set; }
    public string Stream { get; set; } = "";
    public long RecordsFetched { get; set; }
    public long RecordsStaged { get; set; }
    public int Pages { get; set; }
    public int Retries { get; set; }
    public int RateLimitWaits { get; set; }

    /// <summary>The connector's checkpoint after the last page (opaque).</summary>
    public string? Checkpoint { get; set; }
    public DateTimeOffset? LastProgressAt { get; set; }
    public DateTimeOffset? Watermark { get; set; }
    public bool Completed { get; set; }
}
