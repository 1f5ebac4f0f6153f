namespace Platform.SyncOrchestrator.Persistence.Entities;

/// <summary>A tenant (a company whose sources are synced): created through the API or seeded from configuration.</summary>
internal sealed class Workspace
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
