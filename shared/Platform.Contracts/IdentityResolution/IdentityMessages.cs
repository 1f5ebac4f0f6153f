using Platform.Contracts.Records;

namespace Platform.Contracts.IdentityResolution;

/// <summary>Published when a staged record was linked to a client (or re-linked after a merge or split).</summary>
public sealed record RecordLinked
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id carried from <c>RawRecordStaged</c>.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The client the record now belongs to.</summary>
    public required Guid ClientId { get; init; }
    /// <summary>The client's version after the link.</summary>
    public required long ClientVersion { get; init; }
    /// <summary>Raw row id in the source connector, for lineage.</summary>
    public required long RawRecordId { get; init; }
    /// <summary>The record that was linked.</summary>
    public required CanonicalRecord Record { get; init; }
}

/// <summary>
/// The <see cref="RecordLinked"/>s of records resolved together (a sync run's <c>RawRecordsStaged</c> message, or webhooks
/// that arrived together and were resolved in one transaction), in one message instead of one each; a webhook resolved
/// alone keeps the per-record <see cref="RecordLinked"/>. Every subscriber of
/// <see cref="RecordLinked"/> consumes this too, item by item, exactly as if each had come alone (at least once, any
/// order between messages: an item's <see cref="RecordLinked.ClientVersion"/> says which link is newer).
/// </summary>
public sealed record RecordsLinked
{
    /// <summary>The tenant of every item.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the first record of the sync run's message.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The links, in the order they were resolved.</summary>
    public required IReadOnlyList<RecordLinked> Records { get; init; }
}

/// <summary>Published whenever a client is created or changes. <see cref="Version"/> only grows per client.</summary>
public sealed record ClientUpdated
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of what caused the change.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The client.</summary>
    public required Guid ClientId { get; init; }
    /// <summary>Per-client version; a consumer ignores a version not above the one it holds.</summary>
    public required long Version { get; init; }
    /// <summary><c>person</c> or <c>company</c>.</summary>
    public required string Kind { get; init; }
    /// <summary>Best display name (golden record).</summary>
    public string? DisplayName { get; init; }
    /// <summary>Primary email (normalised), if any.</summary>
    public string? PrimaryEmail { get; init; }
    /// <summary>Primary phone in E.164, if any.</summary>
    public string? PrimaryPhone { get; init; }
    /// <summary>Every normalised identifier of the client.</summary>
    public IReadOnlyList<Identifier> Identifiers { get; init; } = [];
    /// <summary>How many source records are behind the client.</summary>
    public int RecordCount { get; init; }
    /// <summary>When the change happened.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Golden record: CPF (person) or CNPJ (company), digits (or the alphanumeric CNPJ) only, if any.</summary>
    public string? Document { get; init; }
    /// <summary>Golden record: given name, if any.</summary>
    public string? FirstName { get; init; }
    /// <summary>Golden record: family name, if any.</summary>
    public string? LastName { get; init; }
    /// <summary>Golden record: city, if any.</summary>
    public string? City { get; init; }
    /// <summary>Golden record: state or province, if any.</summary>
    public string? State { get; init; }
    /// <summary>Golden record: ISO 3166 alpha-2 country code, if any.</summary>
    public string? Country { get; init; }
    /// <summary>Golden record: company trade name (companies, or a person's company when a source gives one), if any.</summary>
    public string? CompanyName { get; init; }
}

/// <summary>
/// The <see cref="ClientUpdated"/>s records resolved together caused (a sync run's <c>RawRecordsStaged</c> message, or
/// webhooks resolved in one transaction): each changed client once, at its newest version, in one message; what a
/// webhook resolved alone changes keeps the per-client <see cref="ClientUpdated"/>. Every subscriber of <see cref="ClientUpdated"/> consumes this too, item by item, as if
/// each had come alone (a version not above the one held changes nothing).
/// </summary>
public sealed record ClientsUpdated
{
    /// <summary>The tenant of every item.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the first item.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The clients, one item each.</summary>
    public required IReadOnlyList<ClientUpdated> Clients { get; init; }
}

/// <summary>Published when clients merged into one; the others no longer exist.</summary>
public sealed record ClientsMerged
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of what caused the merge.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The client that survived.</summary>
    public required Guid SurvivorClientId { get; init; }
    /// <summary>The survivor's version after the merge.</summary>
    public required long SurvivorVersion { get; init; }
    /// <summary>Clients folded into the survivor.</summary>
    public required IReadOnlyList<Guid> MergedClientIds { get; init; }
    /// <summary>Why: the shared identifier or the operator decision.</summary>
    public required string Reason { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset MergedAt { get; init; }
}

/// <summary>Published when a link was refused because it would break a rule; an operator reviews it.</summary>
public sealed record MergeConflictRecorded
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of what caused it.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The conflict.</summary>
    public required Guid ConflictId { get; init; }
    /// <summary>One client.</summary>
    public required Guid ClientAId { get; init; }
    /// <summary>The other client.</summary>
    public required Guid ClientBId { get; init; }
    /// <summary>The shared identifier's kind.</summary>
    public required string IdentifierKind { get; init; }
    /// <summary>The shared identifier's normalised value.</summary>
    public required string IdentifierValue { get; init; }
    /// <summary>The rule the merge would break ("email limit 1: clients have a@x.com and b@y.com").</summary>
    public required string Rule { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>
/// Published when records left a client: an operator split them out, or a recompute (a value got blocked, a
/// record changed its identifiers) separated them. Each moved record is also announced with
/// <see cref="RecordLinked"/> for its new client.
/// </summary>
public sealed record ClientSplit
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of what caused the split.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The client the records left.</summary>
    public required Guid ClientId { get; init; }
    /// <summary>That client's version after the split; it may now be merged into another client or dissolved (no record left in any client).</summary>
    public required long ClientVersion { get; init; }
    /// <summary>Where each record went.</summary>
    public required IReadOnlyList<SplitRecordMove> Moves { get; init; }
    /// <summary>Why: the operator decision or the rule that separated them.</summary>
    public required string Reason { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset SplitAt { get; init; }
}

/// <summary>One record that left a client in a <see cref="ClientSplit"/>.</summary>
public sealed record SplitRecordMove
{
    /// <summary>Source name of the record.</summary>
    public required string Source { get; init; }
    /// <summary>Kebab-case entity type of the record (<c>contact</c>, <c>charge</c>…).</summary>
    public required string EntityType { get; init; }
    /// <summary>The record's id at the source.</summary>
    public required string ExternalId { get; init; }
    /// <summary>Raw row id of the record's current version in the source connector.</summary>
    public required long RawRecordId { get; init; }
    /// <summary>The client the record now belongs to; null when it is in no client any more (skipped or waiting).</summary>
    public Guid? ToClientId { get; init; }
    /// <summary>That client's version after the move; null with <see cref="ToClientId"/>.</summary>
    public long? ToClientVersion { get; init; }
}
