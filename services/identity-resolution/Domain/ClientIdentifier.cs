namespace Platform.IdentityResolution.Domain;

/// <summary>
/// A normalised identifier owned by a client. One owner per (workspace, kind, value): the unique index
/// on that triple is what stops two concurrent records from creating two clients for one person.
/// </summary>
internal sealed class ClientIdentifier
{
    private ClientIdentifier()
    {
    }

    public long Id { get; private set; }
    public string WorkspaceId { get; private set; } = "";
    public string Kind { get; private set; } = "";
    public string Value { get; private set; } = "";
    public Guid ClientId { get; private set; }

    /// <summary>The source whose record brought the identifier first.</summary>
    public string Source { get; private set; } = "";

    public DateTimeOffset FirstSeenAt { get; private set; }

    public static ClientIdentifier Create(Client client, NormalizedIdentifier identifier, string source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ClientIdentifier
        {
            WorkspaceId = client.WorkspaceId,
            Kind = identifier.Kind,
            Value = identifier.Value,
            ClientId = client.Id,
            Source = source,
            FirstSeenAt = now,
        };
    }
}
