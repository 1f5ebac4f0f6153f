namespace Platform.Aggregation.Persistence.Entities;

/// <summary>
/// A record that left a client in a split (table <c>record_moves</c>): a <c>RecordLinked</c> to that client with a
/// client version not above <see cref="FromClientVersion"/> is older than the split and does not move the record back.
/// </summary>
internal sealed class RecordMove
{
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public Guid FromClientId { get; set; }
    public long FromClientVersion { get; set; }
    public Guid? ToClientId { get; set; }
    public DateTimeOffset MovedAt { get; set; }
}
