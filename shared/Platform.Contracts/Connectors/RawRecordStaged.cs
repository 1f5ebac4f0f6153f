using Platform.Contracts.Records;

namespace Platform.Contracts.Connectors;

/// <summary>
/// Published by a connector's relay for every committed raw row (the staging table is the outbox).
/// Delivered at least once: consumers key on <see cref="RawRecordId"/> and <see cref="Source"/>.
/// </summary>
public sealed record RawRecordStaged
{
    /// <summary>The tenant the record belongs to.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the webhook request or sync run that brought the record.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>Source name (same as <c>Record.Source</c>).</summary>
    public required string Source { get; init; }
    /// <summary>Id of the raw row in the connector's staging table, for lineage.</summary>
    public required long RawRecordId { get; init; }
    /// <summary>The sync run that staged it; null for webhooks.</summary>
    public Guid? SyncRunId { get; init; }
    /// <summary>When the connector committed the row.</summary>
    public required DateTimeOffset StagedAt { get; init; }
    /// <summary>The mapped record.</summary>
    public required CanonicalRecord Record { get; init; }
}
