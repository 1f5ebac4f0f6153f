namespace Platform.IdentityResolution.Domain;

/// <summary>
/// A staged record that could not be linked (no usable identifier). Kept so operators can see what was
/// left out and why; unique per (workspace, source, raw record id) like <see cref="ClientRecord"/>.
/// </summary>
internal sealed class SkippedRecord
{
    private SkippedRecord()
    {
    }

    public long Id { get; private set; }
    public string WorkspaceId { get; private set; } = "";
    public string Source { get; private set; } = "";
    public long RawRecordId { get; private set; }
    public string EntityType { get; private set; } = "";
    public string ExternalId { get; private set; } = "";
    public string Reason { get; private set; } = "";
    public DateTimeOffset SkippedAt { get; private set; }

    public static SkippedRecord Create(StagedRecordKey key, string entityType, string externalId, string reason, DateTimeOffset now) => new()
    {
        WorkspaceId = key.WorkspaceId,
        Source = key.Source,
        RawRecordId = key.RawRecordId,
        EntityType = entityType,
        ExternalId = externalId,
        Reason = reason,
        SkippedAt = now,
    };
}

/// <summary>Why a record was skipped.</summary>
internal static class SkipReasons
{
    public const string NoUsableIdentifier = "no usable identifier (needs an email or a stripe_customer_id)";
}
