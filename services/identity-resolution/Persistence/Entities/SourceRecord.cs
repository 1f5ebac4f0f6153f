namespace Platform.IdentityResolution.Persistence.Entities;

/// <summary>
/// A source record (table <c>records</c>): one per (workspace, source, entity type, external id), holding its
/// latest version (highest source update, then raw record id) and where it stands: linked to a client,
/// skipped, or waiting (an enrichment with no client to attach to yet).
/// </summary>
internal sealed class SourceRecord
{
    public long Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string ExternalId { get; set; } = "";

    /// <summary>Raw row id of the version held; a message with this id again is a replay.</summary>
    public long RawRecordId { get; set; }

    public DateTimeOffset SourceUpdatedAt { get; set; }
    public DateTimeOffset StagedAt { get; set; }
    public Guid CorrelationId { get; set; }
    public Guid? ClientId { get; set; }

    /// <summary><c>linked</c>, <c>skipped</c> or <c>waiting</c>.</summary>
    public string Status { get; set; } = "";

    public string? StatusReason { get; set; }

    /// <summary>Person and company fields offered to the golden record, as JSON.</summary>
    public string Fields { get; set; } = "{}";

    /// <summary>Identifiers that did not normalise, as JSON <c>[{kind, value, reason}]</c>: kept, never used to link.</summary>
    public string UnusableIdentifiers { get; set; } = "[]";

    /// <summary>The canonical record as staged (JSON), re-published with <c>RecordLinked</c> when the record moves.</summary>
    public string Payload { get; set; } = "{}";

    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the record joined its current client.</summary>
    public DateTimeOffset? LinkedAt { get; set; }
}
