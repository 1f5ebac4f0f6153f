namespace Platform.Aggregation.Persistence.Entities;

/// <summary>A client's display fields from <c>ClientUpdated</c> (table <c>clients</c>), for reports and lists.</summary>
internal sealed class KnownClient
{
    public Guid ClientId { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? PrimaryEmail { get; set; }
    public string? PrimaryPhone { get; set; }
    public string? Document { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
