namespace Platform.Aggregation.Persistence.Entities;

/// <summary>
/// A client folded into another (table <c>merged_clients</c>); the survivor is kept final (a merge of the survivor
/// re-points these rows), so one lookup redirects a late message about a merged client.
/// </summary>
internal sealed class ClientMerge
{
    public Guid MergedClientId { get; set; }
    public string WorkspaceId { get; set; } = "";
    public Guid SurvivorClientId { get; set; }

    /// <summary>
    /// The survivor's version at the merge that made it this client's survivor (null when unknown: merges stored before
    /// it was kept, or a merge into a client already merged away). A record moved out of the survivor at this version or
    /// later left after the merge, so a late <c>RecordLinked</c> to the merged client does not move it back.
    /// </summary>
    public long? SurvivorVersion { get; set; }
    public DateTimeOffset MergedAt { get; set; }
}
