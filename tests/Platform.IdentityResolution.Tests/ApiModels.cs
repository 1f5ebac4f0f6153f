namespace Platform.IdentityResolution.Tests;

// The HTTP API as a client reads it (deliberately not the service's own types, so a renamed field fails).

public sealed record ClientDto(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string? DisplayName,
    string? PrimaryEmail,
    string? PrimaryPhone,
    long Version,
    List<IdentifierDto> Identifiers,
    List<ClientRecordDto> Records,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record IdentifierDto(string Kind, string Value);

public sealed record ClientRecordDto(string Source, string EntityType, string ExternalId, long RawRecordId, DateTimeOffset LinkedAt);

public sealed record ClientSummaryDto(Guid Id, string WorkspaceId, string Kind, string? DisplayName, string? PrimaryEmail, long Version);

public sealed record PageDto<T>(List<T> Items, int Page, int PageSize, int Total);
