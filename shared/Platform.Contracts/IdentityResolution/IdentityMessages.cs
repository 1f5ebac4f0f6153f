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
