namespace Platform.IdentityResolution.Tests;

// The HTTP API as a client reads it (deliberately not the service's own types, so a renamed field fails).

public sealed record ClientDto(
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
    List<IdentifierDto> Identifiers,
    Dictionary<string, FieldLineageDto> Fields,
    List<ClientRecordDto> Records,
    List<Guid> OpenConflictIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record IdentifierDto(string Kind, string Value);

public sealed record FieldLineageDto(string Value, long RecordId, string Source, string ExternalId, DateTimeOffset SourceUpdatedAt);

public sealed record RecordIdentifierDto(string Kind, string Value, bool Blocked);

public sealed record UnusableIdentifierDto(string Kind, string Value, string Reason);

public sealed record ClientRecordDto(
    long Id,
    string Source,
    string EntityType,
    string ExternalId,
    long RawRecordId,
    DateTimeOffset SourceUpdatedAt,
    DateTimeOffset? LinkedAt,
    List<RecordIdentifierDto> Identifiers,
    List<UnusableIdentifierDto> UnusableIdentifiers);

public sealed record ClientSummaryDto(
    Guid Id, string WorkspaceId, string Kind, string Status, string? DisplayName, string? PrimaryEmail, string? PrimaryPhone,
    string? Document, long Version, int RecordCount);

public sealed record PageDto<T>(List<T> Items, int Page, int PageSize, int Total);

public sealed record ConflictDto(
    Guid Id, string WorkspaceId, Guid ClientAId, Guid ClientBId, string IdentifierKind, string IdentifierValue, string Rule,
    long RecordAId, long RecordBId, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt, long? DecisionId);

public sealed record OperatorActionDto(long? DecisionId, List<Guid> ClientIds, string Summary);

public sealed record RecordRefDto(long Id, string Source, string EntityType, string ExternalId, Guid? ClientId);

public sealed record ExplainStepDto(RecordRefDto From, RecordRefDto To, string? Kind, string? Value, long? DecisionId);

public sealed record ExplainRefusalDto(RecordRefDto RecordA, RecordRefDto RecordB, string Kind, string Value, string Rule, bool ByDecision);

public sealed record ExplainDto(
    string WorkspaceId, RecordRefDto RecordA, RecordRefDto RecordB, bool Together, string Summary, List<ExplainStepDto> Chain, List<ExplainRefusalDto> Refusals);

public sealed record BlockedValueDto(long Id, string Kind, string Value, string Reason, string? Detail, DateTimeOffset? BlockedAt, int RecordCount);

public sealed record BlockedValuesDto(List<BlockedValueDto> Items, int Page, int PageSize, int Total, List<string> Configured);

public sealed record SkippedRecordDto(
    long Id, string Source, string EntityType, string ExternalId, long RawRecordId, string Status, string? Reason, List<UnusableIdentifierDto> UnusableIdentifiers);

public sealed record SkippedRecordsDto(List<SkippedRecordDto> Items, int Page, int PageSize, int Total, Dictionary<string, int> ByReason);

public sealed record StatsDto(string WorkspaceId, long Records, long Linked, long Skipped, long Waiting, long Clients, long OpenConflicts, long BlockedValues);

public sealed record DecisionDto(long Id, string Kind, Guid? ConflictId, Guid? ClientId, long? ValueId, string? Note, List<long> SideA, List<long> SideB,
    DateTimeOffset CreatedAt, DateTimeOffset? SupersededAt, long? SupersededById, string? DecidedBy = null);
