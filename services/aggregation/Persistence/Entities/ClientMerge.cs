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
    public DateTimeOffset MergedAt { get; set; }
}
