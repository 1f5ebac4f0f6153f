using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Connectors.Http;

namespace Platform.Connectors.Stripe.Domain;

/// <summary>One page of a Stripe list endpoint (<c>{"object":"list","has_more":…,"data":[…]}</c>).</summary>
/// <param name="Data">The objects, newest first, as raw JSON elements of <paramref name="Document"/>.</param>
/// <param name="HasMore">More pages follow (continue with <c>starting_after</c> = the last id).</param>
/// <param name="Document">Owns the elements; dispose it after use.</param>
public sealed record StripeList(IReadOnlyList<JsonElement> Data, bool HasMore, JsonDocument Document) : IDisposable
{
    public void Dispose() => Document.Dispose();
}

/// <summary>The Stripe API calls the connector makes (Refit-shaped: one method per endpoint).</summary>
public interface IStripeApi
{
    /// <summary><c>GET /v1/{resource}?limit=&amp;starting_after=&amp;created[gte]=&amp;created[lt]=&amp;{extraQuery}</c>.</summary>
    Task<StripeList> ListAsync(string workspaceId, string apiKey, string resource, int limit, string? startingAfter,
        DateTimeOffset? createdGte, DateTimeOffset? createdLt, string? extraQuery, CancellationToken cancellationToken);

    /// <summary><c>GET /v1/events?types[]=…&amp;created[gte]=&amp;starting_after=</c> (Stripe keeps 30 days of events).</summary>
    Task<StripeList> ListEventsAsync(string workspaceId, string apiKey, IReadOnlyList<string> types, int limit, string? startingAfter,
        DateTimeOffset createdGte, CancellationToken cancellationToken);
}

public sealed class StripeApi(HttpClient http) : IStripeApi
{
    public Task<StripeList> ListAsync(string workspaceId, string apiKey, string resource, int limit, string? startingAfter,
        DateTimeOffset? createdGte, DateTimeOffset? createdLt, string? extraQuery, CancellationToken cancellationToken)
    {
        var query = new List<string> { $"limit={limit}" };
        if (!string.IsNullOrEmpty(extraQuery))
        {
            query.Add(extraQuery);
        }
        if (startingAfter is not null)
        {
            query.Add($"starting_after={Uri.EscapeDataString(startingAfter)}");
        }
        if (createdGte is not null)
        {
            query.Add($"created[gte]={createdGte.Value.ToUnixTimeSeconds()}");
        }
        if (createdLt is not null)
        {
            query.Add($"created[lt]={createdLt.Value.ToUnixTimeSeconds()}");
        }
        return GetListAsync(workspaceId, apiKey, $"v1/{resource}?{string.Join('&', query)}", cancellationToken);
    }

    public Task<StripeList> ListEventsAsync(string workspaceId, string apiKey, IReadOnlyList<string> types, int limit, string? startingAfter,
        DateTimeOffset createdGte, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(types);
        var query = new List<string> { $"limit={limit}", $"created[gte]={createdGte.ToUnixTimeSeconds()}" };
        query.AddRange(types.Select(t => $"types[]={Uri.EscapeDataString(t)}"));
        if (startingAfter is not null)
        {
            query.Add($"starting_after={Uri.EscapeDataString(startingAfter)}");
        }
        return GetListAsync(workspaceId, apiKey, $"v1/events?{string.Join('&', query)}", cancellationToken);
    }

    private async Task<StripeList> GetListAsync(string workspaceId, string apiKey, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path).ForWorkspace(workspaceId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await response.EnsureSuccessAsync("Stripe", workspaceId, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var root = document.RootElement;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            throw new JsonException($"Stripe {path.Split('?')[0]} answered without a \"data\" array");
        }
        var hasMore = root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
        return new StripeList(data.EnumerateArray().ToList(), hasMore, document);
    }
}
