namespace Platform.IdentityResolution.Endpoints;

/// <summary>A client in a list: the golden record without identifiers and records.</summary>
internal sealed record ClientSummaryResponse(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string Status,
    string? DisplayName,
    string? PrimaryEmail,
    string? PrimaryPhone,
    string? Document,
    long Version,
    int RecordCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A client with its identifiers, golden-record lineage and source records (the first 200; page the rest).</summary>
internal sealed record ClientResponse(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string Status,
    Guid? MergedIntoId,
    string? DisplayName,
    string? PrimaryEmail,
    string? PrimaryPhone,
    string? Document,
    long Version,
    int RecordCount,
    IReadOnlyList<IdentifierResponse> Identifiers,
    IReadOnlyDictionary<string, FieldLineageResponse> Fields,
    IReadOnlyList<ClientRecordResponse> Records,
    IReadOnlyList<Guid> OpenConflictIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

internal sealed record IdentifierResponse(string Kind, string Value);

/// <summary>A golden-record field and the record it came from.</summary>
internal sealed record FieldLineageResponse(string Value, long RecordId, string Source, string ExternalId, DateTimeOffset SourceUpdatedAt);

/// <summary>A record's normalised identifier; blocked ones are kept but never link.</summary>
internal sealed record RecordIdentifierResponse(string Kind, string Value, bool Blocked);

/// <summary>An identifier kept as an attribute because it did not normalise.</summary>
internal sealed record UnusableIdentifierResponse(string Kind, string Value, string Reason);

internal sealed record ClientRecordResponse(
    long Id,
    string Source,
    string EntityType,
    string ExternalId,
    long RawRecordId,
    DateTimeOffset SourceUpdatedAt,
    DateTimeOffset? LinkedAt,
    IReadOnlyList<RecordIdentifierResponse> Identifiers,
    IReadOnlyList<UnusableIdentifierResponse> UnusableIdentifiers);

/// <summary>What an operator action did.</summary>
internal sealed record OperatorActionResponse(long? DecisionId, IReadOnlyList<Guid> ClientIds, string Summary);

internal sealed record SplitRequest(IReadOnlyList<long>? RecordIds, string? Note);

internal sealed record MergeRequest(IReadOnlyList<Guid>? ClientIds, string? Note);

internal sealed record ResolveConflictRequest(string? Decision, string? Note);

internal sealed record ConflictResponse(
    Guid Id,
    string WorkspaceId,
    Guid ClientAId,
    Guid ClientBId,
    string IdentifierKind,
    string IdentifierValue,
    string Rule,
    long RecordAId,
    long RecordBId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    long? DecisionId);

internal sealed record RecordRefResponse(long Id, string Source, string EntityType, string ExternalId, Guid? ClientId);

internal sealed record ExplainStepResponse(RecordRefResponse From, RecordRefResponse To, string? Kind, string? Value, long? DecisionId);

internal sealed record ExplainRefusalResponse(RecordRefResponse RecordA, RecordRefResponse RecordB, string Kind, string Value, string Rule, bool ByDecision);

internal sealed record ExplainResponse(
    string WorkspaceId,
    RecordRefResponse RecordA,
    RecordRefResponse RecordB,
    bool Together,
    string Summary,
    IReadOnlyList<ExplainStepResponse> Chain,
    IReadOnlyList<ExplainRefusalResponse> Refusals);

internal sealed record BlockedValueResponse(long Id, string Kind, string Value, string Reason, string? Detail, DateTimeOffset? BlockedAt, int RecordCount);

/// <summary>Blocked values of a workspace, and the configured list that applies to every workspace.</summary>
internal sealed record BlockedValuesResponse(IReadOnlyList<BlockedValueResponse> Items, int Page, int PageSize, int Total, IReadOnlyList<string> Configured);

internal sealed record BlockValueRequest(string? WorkspaceId, string? Kind, string? Value, string? Note);

internal sealed record UnblockValueRequest(string? Note);

internal sealed record SkippedRecordResponse(
    long Id,
    string Source,
    string EntityType,
    string ExternalId,
    long RawRecordId,
    string Status,
    string? Reason,
    DateTimeOffset SourceUpdatedAt,
    DateTimeOffset FirstSeenAt,
    IReadOnlyList<UnusableIdentifierResponse> UnusableIdentifiers);

/// <summary>Records in no client (skipped, or enrichments waiting), with counts by reason.</summary>
internal sealed record SkippedRecordsResponse(
    IReadOnlyList<SkippedRecordResponse> Items, int Page, int PageSize, int Total, IReadOnlyDictionary<string, int> ByReason);

internal sealed record DecisionResponse(
    long Id,
    string Kind,
    Guid? ConflictId,
    Guid? ClientId,
    long? ValueId,
    string? Note,
    IReadOnlyList<long> SideA,
    IReadOnlyList<long> SideB,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SupersededAt,
    long? SupersededById,
    string? DecidedBy);

internal sealed record EffectiveSettingsResponse(
    IReadOnlyDictionary<string, int> Limits,
    int BlockThreshold,
    IReadOnlyList<string> SourceIdOnlySources,
    IReadOnlyDictionary<string, IReadOnlyList<string>> FieldSources,
    IReadOnlyList<string> SourceOrder);

internal sealed record SettingsResponse(string WorkspaceId, EffectiveSettingsResponse Effective, Domain.Resolution.WorkspaceRuleOverrides? Overrides, string Note);

internal sealed record StatsResponse(
    string WorkspaceId, long Records, long Linked, long Skipped, long Waiting, long Clients, long OpenConflicts, long BlockedValues);
