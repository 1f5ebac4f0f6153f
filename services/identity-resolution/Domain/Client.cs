namespace Platform.IdentityResolution.Domain;

/// <summary>
/// A unified customer inside one workspace: the golden record the platform builds from every source
/// record linked to it. Clients never cross workspaces.
/// </summary>
internal sealed class Client
{
    private Client()
    {
    }

    public Guid Id { get; private set; }
    public string WorkspaceId { get; private set; } = "";
    public string Kind { get; private set; } = ClientKinds.Person;
    public string? DisplayName { get; private set; }
    public string? PrimaryEmail { get; private set; }
    public string? PrimaryPhone { get; private set; }

    /// <summary>Grows by one on every change; downstream consumers drop versions they already hold.</summary>
    public long Version { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public List<ClientIdentifier> Identifiers { get; } = [];
    public List<ClientRecord> Records { get; } = [];

    public static Client Create(string workspaceId, string kind, DateTimeOffset now) => new()
    {
        // Version 7: time-ordered, so new clients append to the primary key index.
        Id = Guid.CreateVersion7(now),
        WorkspaceId = workspaceId,
        Kind = kind,
        Version = 1,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>Fills golden-record fields the client does not have yet; what a client already shows is kept.</summary>
    public void FillGaps(string? displayName, string? email, DateTimeOffset now)
    {
        DisplayName ??= displayName;
        PrimaryEmail ??= email;
        UpdatedAt = now;
    }
}

/// <summary>The kinds of client.</summary>
internal static class ClientKinds
{
    public const string Person = "person";
    public const string Company = "company";
}
