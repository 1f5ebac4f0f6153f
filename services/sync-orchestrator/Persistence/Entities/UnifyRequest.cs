namespace Platform.SyncOrchestrator.Persistence.Entities;

/// <summary>An operator's "unify now" for deferred records: ReleaseStagedRecords sent to each source.</summary>
internal sealed class UnifyRequest
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";

    /// <summary>Only this run's records; null releases every deferred record of the workspace.</summary>
    public Guid? SyncRunId { get; set; }
    public string? RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public Guid CorrelationId { get; set; }
    public List<UnifyRequestSource> Sources { get; set; } = [];
}

internal sealed class UnifyRequestSource
{
    public Guid RequestId { get; set; }
    public string Source { get; set; } = "";

    /// <summary>Records waiting for unify when the request was made; null when the connector did not answer.</summary>
    public long? WaitingAtRequest { get; set; }

    /// <summary>Records already published then, so the records this release published can be told apart.</summary>
    public long? PublishedAtRequest { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}
