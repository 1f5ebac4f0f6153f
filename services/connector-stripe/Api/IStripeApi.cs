using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Connectors.Http;
using Refit;

namespace Platform.Connectors.Stripe.Api;

/// <summary>
/// The Stripe API calls the connector makes. Authentication (<c>Bearer {ApiKey}</c>), the rate limit and retries are
/// message handlers (<see cref="Hosting.StripeRegistration"/>); read answers with <c>ContentOrThrowAsync(StripeApi.Errors, workspace)</c>.
/// </summary>
public interface IStripeApi
{
    /// <summary><c>GET /v1/{resource}?limit=&amp;starting_after=&amp;created[gte]=&amp;created[lt]=&amp;status=</c>, newest first.</summary>
    [Get("/v1/{resource}")]
    Task<IApiResponse<JsonPage>> ListAsync([Property(SourceRequest.WorkspaceKey)] string workspaceId, string resource,
        [Query] StripeListQuery query, CancellationToken cancellationToken);

    /// <summary><c>GET /v1/events?types[]=…&amp;created[gte]=&amp;starting_after=</c> (Stripe keeps 30 days of events).</summary>
    [Get("/v1/events")]
    Task<IApiResponse<JsonPage>> ListEventsAsync([Property(SourceRequest.WorkspaceKey)] string workspaceId, [Query] StripeListQuery query,
        [Query(CollectionFormat.Multi)][AliasAs("types[]")] IEnumerable<string> types, CancellationToken cancellationToken);
}

/// <summary>Query of a Stripe list endpoint (dates are Unix seconds).</summary>
public sealed record StripeListQuery
{
    [AliasAs("limit")]
    public int? Limit { get; init; }

    [AliasAs("starting_after")]
    public string? StartingAfter { get; init; }

    [AliasAs("created[gte]")]
    public long? CreatedGte { get; init; }

    [AliasAs("created[lt]")]
    public long? CreatedLt { get; init; }

    /// <summary>Lists that leave some statuses out by default (subscriptions) need <c>all</c>.</summary>
    [AliasAs("status")]
    public string? Status { get; init; }
}

/// <summary>How Stripe failures read.</summary>
public static class StripeApi
{
    public static readonly SourceApiErrors Errors = new("Stripe", workspace =>
        $"Set a valid secret key as Connectors:Stripe:Workspaces:{workspace}:ApiKey and run the sync again.");

    /// <summary>
    /// Refit settings of the client: list pages (<c>{"object":"list","has_more":…,"data":[…]}</c>) are read as a
    /// <see cref="JsonPage"/>, their objects kept as the raw JSON they are.
    /// </summary>
    public static RefitSettings Settings { get; } = SourceJsonContentSerializer.Settings();
}
