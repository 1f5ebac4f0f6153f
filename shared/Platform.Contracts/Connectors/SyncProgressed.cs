namespace Platform.Contracts.Connectors;

/// <summary>Published by a connector after each committed page of a sync run.</summary>
public sealed record SyncProgressed
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the run (the run id unless the operator's request gave one).</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The run.</summary>
    public required Guid SyncRunId { get; init; }
    /// <summary>Source name.</summary>
    public required string Source { get; init; }
    /// <summary>Stream being synced (<c>customers</c>, <c>charges</c>, <c>deals</c>…).</summary>
    public required string Stream { get; init; }
    /// <summary>Records read from the source so far in this stream.</summary>
    public required long RecordsFetched { get; init; }
    /// <summary>Records staged as new rows so far (unchanged payloads are not counted).</summary>
    public required long RecordsStaged { get; init; }
    /// <summary>Pages committed so far.</summary>
    public required int Pages { get; init; }
    /// <summary>HTTP retries so far.</summary>
    public int Retries { get; init; }
    /// <summary>Times the run waited for the rate limit so far.</summary>
    public int RateLimitWaits { get; init; }
    /// <summary>The stream's checkpoint after this page (opaque to everyone but the connector).</summary>
    public string? Checkpoint { get; init; }
    /// <summary>When the page committed.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>Published by a connector when a sync run finished every stream.</summary>
public sealed record SyncCompleted
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the run.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The run.</summary>
    public required Guid SyncRunId { get; init; }
    /// <summary>Source name.</summary>
    public required string Source { get; init; }
    /// <summary>Per-stream totals.</summary>
    public IReadOnlyList<StreamSummary> Streams { get; init; } = [];
    /// <summary>When the run finished.</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}

/// <summary>Totals of one stream in a finished run.</summary>
/// <param name="Stream">Stream name.</param>
/// <param name="RecordsFetched">Records read from the source.</param>
/// <param name="RecordsStaged">Records staged as new rows.</param>
/// <param name="Pages">Pages committed.</param>
/// <param name="Watermark">The stream's incremental watermark after the run, if it moved.</param>
public sealed record StreamSummary(string Stream, long RecordsFetched, long RecordsStaged, int Pages, DateTimeOffset? Watermark);

/// <summary>Published by a connector when a sync run stopped on an error it will not retry.</summary>
public sealed record SyncFailed
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the run.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The run.</summary>
    public required Guid SyncRunId { get; init; }
    /// <summary>Source name.</summary>
    public required string Source { get; init; }
    /// <summary>The stream that failed, when one did.</summary>
    public string? Stream { get; init; }
    /// <summary>Machine-readable cause: <c>credentials_invalid</c>, <c>credentials_expired</c>, <c>rate_limited</c>, <c>source_unavailable</c>, <c>bad_response</c>, <c>cancelled</c>, <c>internal</c>.</summary>
    public required string ErrorCode { get; init; }
    /// <summary>What went wrong and what to do, for a person ("The Stripe API key was rejected (401): it is expired or revoked; set a new key for workspace X").</summary>
    public required string Reason { get; init; }
    /// <summary>When it failed.</summary>
    public required DateTimeOffset FailedAt { get; init; }
}
