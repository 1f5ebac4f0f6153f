namespace Platform.IdentityResolution.Domain;

/// <summary>
/// A source record linked to a client. Unique per (workspace, source, raw record id): that key is how a
/// redelivered or replayed <c>RawRecordStaged</c> is recognised.
/// </summary>
internal sealed class ClientRecord
{
    private ClientRecord()
    {
    }

    public long Id { get; private set; }
    public string WorkspaceId { get; private set; } = "";
    public string Source { get; private set; } = "";
    public long RawRecordId { get; private set; }

    /// <summary>Kebab-case entity type (<c>contact</c>, <c>charge</c>…).</summary>
    public string EntityType { get; private set; } = "";

    public string ExternalId { get; private set; } = "";
    public Guid ClientId { get; private set; }
    public DateTimeOffset LinkedAt { get; private set; }

    public static ClientRecord Create(Client client, StagedRecordKey key, string entityType, string externalId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ClientRecord
        {
            WorkspaceId = key.WorkspaceId,
            Source = key.Source,
            RawRecordId = key.RawRecordId,
            EntityType = entityType,
            ExternalId = externalId,
            ClientId = client.Id,
            LinkedAt = now,
        };
    }
}
