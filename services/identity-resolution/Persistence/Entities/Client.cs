namespace Platform.IdentityResolution.Persistence.Entities;

/// <summary>
/// A unified customer inside one workspace (clients never cross workspaces), with its golden record. Rows are
/// never deleted: a client merged into another stays as a tombstone (<see cref="MergedIntoId"/>) so its id
/// still resolves and its version keeps growing if it is ever used again.
/// </summary>
internal sealed class Client
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";

    /// <summary><c>person</c> or <c>company</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary><c>active</c>, <c>merged</c> or <c>dissolved</c>.</summary>
    public string Status { get; set; } = "";

    public Guid? MergedIntoId { get; set; }
    public string? DisplayName { get; set; }
    public string? PrimaryEmail { get; set; }
    public string? PrimaryPhone { get; set; }
    public string? Document { get; set; }

    /// <summary>Golden record as JSON: field → value with its lineage (record id, source, external id, source update).</summary>
    public string Golden { get; set; } = "{}";

    /// <summary>Every usable identifier of the client's records as JSON <c>[{kind, value}]</c>, in priority order.</summary>
    public string Identifiers { get; set; } = "[]";

    public int RecordCount { get; set; }

    /// <summary>Grows by one on every change; downstream consumers drop versions they already hold.</summary>
    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
