using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Refit;

namespace Platform.Connectors.GoHighLevel.Api;

/// <summary>
/// The LeadConnector API v2 calls the connector makes (<c>services.leadconnectorhq.com</c>). Every call carries the
/// workspace (its rate-limit window, counters and credentials: the OAuth handler adds its Private Integration token or
/// OAuth access token) and <c>Version: 2021-07-28</c>. Answers are kept as JSON documents: payloads are staged untouched.
/// </summary>
[Headers("Version: " + GhlApi.Version, "Accept: application/json")]
public interface IGoHighLevelApi
{
    /// <summary><c>POST /contacts/search</c>: pageLimit ≤ 500, <c>searchAfter</c> to continue (beyond the 10,000-record window too).</summary>
    [Post("/contacts/search")]
    Task<IApiResponse<JsonDocument>> SearchContactsAsync([Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId,
        [Body] ContactSearch search, CancellationToken cancellationToken);

    /// <summary><c>GET /opportunities/search</c>: limit ≤ 100, newest first, <c>startAfter</c> (ms) + <c>startAfterId</c> to continue.</summary>
    [Get("/opportunities/search")]
    Task<IApiResponse<JsonDocument>> SearchOpportunitiesAsync([Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId,
        [AliasAs("location_id")] string locationId, int limit, long? startAfter, string? startAfterId,
        CancellationToken cancellationToken);

    /// <summary><c>GET /locations/{locationId}/customFields</c>: the names of the contacts' custom fields.</summary>
    [Get("/locations/{locationId}/customFields")]
    Task<IApiResponse<JsonDocument>> CustomFieldsAsync([Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId,
        string locationId, CancellationToken cancellationToken);
}

public static class GhlApi
{
    /// <summary>The API version every call names.</summary>
    public const string Version = "2021-07-28";

    /// <summary>The largest contacts page.</summary>
    public const int MaxPageLimit = 500;

    public const int MaxOpportunityLimit = 100;

    /// <summary>Where HighLevel describes each location's window (rate-limits doc): the SDK paces to it.</summary>
    public static RateLimitHeaders RateLimitHeaders => new()
    {
        Max = "X-RateLimit-Max",
        IntervalMilliseconds = "X-RateLimit-Interval-Milliseconds",
        Remaining = "X-RateLimit-Remaining",
        DailyLimit = "X-RateLimit-Limit-Daily",
        DailyRemaining = "X-RateLimit-Daily-Remaining",
        SourceName = "GoHighLevel",
    };
}

/// <summary>The body of <c>POST /contacts/search</c>.</summary>
public sealed record ContactSearch
{
    [JsonPropertyName("locationId")]
    public required string LocationId { get; init; }

    [JsonPropertyName("pageLimit")]
    public int PageLimit { get; init; } = GhlApi.MaxPageLimit;

    /// <summary>The <c>searchAfter</c> of the previous page's last contact (<c>[sortValue, id]</c>).</summary>
    [JsonPropertyName("searchAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<JsonElement>? SearchAfter { get; init; }

    [JsonPropertyName("filters")]
    public IReadOnlyList<SearchFilter> Filters { get; init; } = [];

    [JsonPropertyName("sort")]
    public IReadOnlyList<SearchSort> Sort { get; init; } = [];
}

/// <summary>A <c>range</c> filter on a date field (<c>{field, operator:"range", value:{gte, lte}}</c>).</summary>
public sealed record SearchFilter(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("operator")] string Operator,
    [property: JsonPropertyName("value")] DateRange Value);

public sealed record DateRange(
    [property: JsonPropertyName("gte"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Gte,
    [property: JsonPropertyName("lte"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Lte);

public sealed record SearchSort(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("direction")] string Direction);
