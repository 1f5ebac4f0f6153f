using System.Text.Json;

namespace Platform.ServiceDefaults.Privacy;

/// <summary>One identifier of a person (kind as in the canonical record: <c>email</c>, <c>phone</c>, <c>cpf</c>, <c>stripe_customer_id</c>…).</summary>
public sealed record SubjectIdentifier(string Kind, string Value);

/// <summary>A source record that belongs to the person (from identity resolution's lineage).</summary>
public sealed record SubjectRecord(string Source, string EntityType, string ExternalId);

/// <summary>
/// Who an LGPD request is about, as the gateway sends it to every service's <c>/internal/privacy/…</c>: the values the
/// person gave, widened by identity resolution to every identifier, client and source record of theirs. Never logged.
/// </summary>
public sealed record PrivacySubject
{
    public required string WorkspaceId { get; init; }
    public Guid RequestId { get; init; }
    public IReadOnlyList<SubjectIdentifier> Identifiers { get; init; } = [];
    public IReadOnlyList<Guid> ClientIds { get; init; } = [];
    public IReadOnlyList<SubjectRecord> Records { get; init; } = [];

    /// <summary>The workspace's suppression salt (base64); services that stage records keep it to hash what arrives.</summary>
    public string? Salt { get; init; }

    /// <summary>Salted hashes (hex) of every identifier, for the suppression list.</summary>
    public IReadOnlyList<string> SuppressionHashes { get; init; } = [];

    public IEnumerable<string> ValuesOf(params string[] kinds) =>
        Identifiers.Where(i => kinds.Contains(i.Kind, StringComparer.Ordinal)).Select(i => i.Value).Distinct(StringComparer.Ordinal);
}

/// <summary>One row a service holds about the person: its table, its key, and (for an access export) the row itself.</summary>
public sealed record HeldRow(string Table, JsonElement Key, JsonElement? Row = null, string? Action = null);

/// <summary>What one service answered to an access or erasure request.</summary>
public sealed record PrivacyPart(string Service, IReadOnlyList<HeldRow> Rows);

/// <summary>Lifts suppression of these hashes (a recorded new consent).</summary>
public sealed record SuppressionLift(string WorkspaceId, IReadOnlyList<string> Hashes);
