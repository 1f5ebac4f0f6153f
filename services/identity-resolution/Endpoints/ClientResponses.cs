namespace Platform.IdentityResolution.Endpoints;

/// <summary>A client with its identifiers and the source records behind it.</summary>
internal sealed record ClientResponse(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string? DisplayName,
    string? PrimaryEmail,
    string? PrimaryPhone,
    long Version,
    IReadOnlyList<IdentifierResponse> Identifiers,
    IReadOnlyList<ClientRecordResponse> Records,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

internal sealed record IdentifierResponse(string Kind, string Value);

internal sealed record ClientRecordResponse(string Source, string EntityType, string ExternalId, long RawRecordId, DateTimeOffset LinkedAt);

/// <summary>A client in a list: the golden record without identifiers and records.</summary>
internal sealed record ClientSummaryResponse(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string? DisplayName,
    string? PrimaryEmail,
    string? PrimaryPhone,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

internal sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
