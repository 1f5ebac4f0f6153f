namespace Platform.Aggregation.Persistence.Entities;

/// <summary>
/// Every linked record (table <c>client_records</c>), latest version by the source's updated-at, with the client it
/// belongs to now and what customer success reads from it.
/// </summary>
internal sealed class ClientRecord
{
    public long Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string ExternalId { get; set; } = "";
    /// <summary>Null when identity resolution took the record out of every client (a split to nowhere).</summary>
    public Guid? ClientId { get; set; }
    /// <summary>The client's version in the link that set <see cref="ClientId"/>.</summary>
    public long ClientVersion { get; set; }
    public long RawRecordId { get; set; }
    public DateTimeOffset SourceUpdatedAt { get; set; }
    public string Attributes { get; set; } = "{}";
    public string[] Tags { get; set; } = [];
    public bool IsCustomer { get; set; }
    public string? Plan { get; set; }
    public int PlanRank { get; set; }
    public string? SgtExtras { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
