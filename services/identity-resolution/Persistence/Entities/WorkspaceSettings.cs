namespace Platform.IdentityResolution.Persistence.Entities;

/// <summary>A workspace's own resolution settings (JSON overrides of the service defaults).</summary>
internal sealed class WorkspaceSettings
{
    public string WorkspaceId { get; set; } = "";
    public string Settings { get; set; } = "{}";
    public DateTimeOffset UpdatedAt { get; set; }
}
