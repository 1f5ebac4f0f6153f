namespace Platform.Contracts.Connectors;

/// <summary>
/// Published by a connector's relay for the rows of a sync run (a backfill's pages, deferred rows released by "Unify
/// all"): a few hundred of one workspace in one message, in staging order, instead of one message each. Webhook rows
/// keep the per-record <see cref="RawRecordStaged"/>. Delivered at least once, as each record is.
/// </summary>
public sealed record RawRecordsStaged
{
    /// <summary>The tenant every record belongs to.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Source name of every record.</summary>
    public required string Source { get; init; }
    /// <summary>The records, in the order they were staged.</summary>
    public required IReadOnlyList<RawRecordStaged> Records { get; init; }
}
