using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.SourceSimulator.Tests.Support;

/// <summary>Calls the simulator the way connectors (vendor endpoints) and tests (/_simulator) do.</summary>
public sealed class SimulatorApi(HttpClient http)
{
    public HttpClient Http => http;

    public static string NewStripeKey() => $"sk_test_{Guid.NewGuid():N}";

    public static string NewHotmartCredential() => $"client-{Guid.NewGuid():N}:secret-{Guid.NewGuid():N}";

    public static string NewPloomesKey() => $"ploomes-{Guid.NewGuid():N}";

    public async Task<string> CreateAccountAsync(string source, string credential, int seed = 42, int size = 200, int? ratePermits = null, double? ratePeriodSeconds = null)
    {
        using var response = await http.PostAsJsonAsync("/_simulator/accounts", new { source, credential, seed, size, ratePermits, ratePeriodSeconds });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return credential;
    }

    public async Task<string> StripeAccountAsync(int seed = 42, int size = 200, int? ratePermits = null, double? ratePeriodSeconds = null) =>
        await CreateAccountAsync("stripe", NewStripeKey(), seed, size, ratePermits, ratePeriodSeconds);

    public async Task<string> HotmartAccountAsync(int seed = 42, int size = 200, int? ratePermits = null, double? ratePeriodSeconds = null) =>
        await CreateAccountAsync("hotmart", NewHotmartCredential(), seed, size, ratePermits, ratePeriodSeconds);

    public async Task<string> PloomesAccountAsync(int seed = 42, int size = 200, int? ratePermits = null, double? ratePeriodSeconds = null) =>
        await CreateAccountAsync("ploomes", NewPloomesKey(), seed, size, ratePermits, ratePeriodSeconds);

    public async Task<HttpResponseMessage> StripeGetAsync(string key, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request);
    }

    public async Task<JsonObject> StripeListAsync(string key, string pathAndQuery)
    {
        using var response = await StripeGetAsync(key, pathAndQuery);
        return await OkJsonAsync(response);
    }

    /// <summary>Every object of a Stripe list, following starting_after; also how many pages it took.</summary>
    public async Task<(List<JsonObject> Objects, int Pages)> StripeWalkAsync(string key, string resource, string extraQuery = "", int limit = 100)
    {
        var objects = new List<JsonObject>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = await StripeListAsync(key, $"/v1/{resource}?limit={limit}{extraQuery}{(after is null ? "" : "&starting_after=" + after)}");
            pages++;
            var data = page["data"]!.AsArray().Select(n => n!.AsObject()).ToList();
            objects.AddRange(data);
            if (!(bool)page["has_more"]! || data.Count == 0)
            {
                return (objects, pages);
            }
            after = (string)data[^1]["id"]!;
        }
    }

    public async Task<HttpResponseMessage> HotmartTokenAsync(string credential, string? secretOverride = null)
    {
        var (id, secret) = Split(credential);
        secret = secretOverride ?? secret;
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"/security/oauth/token?grant_type=client_credentials&client_id={Uri.EscapeDataString(id)}&client_secret={Uri.EscapeDataString(secret)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
        request.Content = new FormUrlEncodedContent([]);
        return await http.SendAsync(request);
    }

    public async Task<string> HotmartAccessTokenAsync(string credential)
    {
        using var response = await HotmartTokenAsync(credential);
        return (string)(await OkJsonAsync(response))["access_token"]!;
    }

    public async Task<HttpResponseMessage> HotmartGetAsync(string token, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    /// <summary>Every item of a Hotmart list, following page_token.</summary>
    public async Task<(List<JsonObject> Items, int Pages, int TotalResults)> HotmartWalkAsync(string token, string path, string query = "", int maxResults = 50)
    {
        var items = new List<JsonObject>();
        string? pageToken = null;
        var pages = 0;
        var total = 0;
        while (true)
        {
            using var response = await HotmartGetAsync(token, $"{path}?max_results={maxResults}{query}{(pageToken is null ? "" : "&page_token=" + Uri.EscapeDataString(pageToken))}");
            var page = await OkJsonAsync(response);
            pages++;
            items.AddRange(page["items"]!.AsArray().Select(n => n!.AsObject()));
            total = (int)page["page_info"]!["total_results"]!;
            pageToken = (string?)page["page_info"]!["next_page_token"];
            if (pageToken is null)
            {
                return (items, pages, total);
            }
        }
    }

    public async Task<HttpResponseMessage> PloomesGetAsync(string key, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Add("User-Key", key);
        return await http.SendAsync(request);
    }

    public async Task<List<JsonObject>> PloomesValueAsync(string key, string pathAndQuery)
    {
        using var response = await PloomesGetAsync(key, pathAndQuery);
        return (await OkJsonAsync(response))["value"]!.AsArray().Select(n => n!.AsObject()).ToList();
    }

    /// <summary>Every record of a Ploomes entity set, with $top/$skip.</summary>
    public async Task<List<JsonObject>> PloomesWalkAsync(string key, string entitySet, string query = "", int top = 300)
    {
        var all = new List<JsonObject>();
        while (true)
        {
            var page = await PloomesValueAsync(key, $"/{entitySet}?$top={top}&$skip={all.Count}{query}");
            all.AddRange(page);
            if (page.Count < top)
            {
                return all;
            }
        }
    }

    public async Task<JsonObject> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> StatsAsync(string source, string credential)
    {
        using var response = await http.GetAsync($"/_simulator/stats?source={source}&credential={Uri.EscapeDataString(credential)}");
        return await OkJsonAsync(response);
    }

    public async Task ClearFaultsAsync(string source, string credential)
    {
        using var response = await http.DeleteAsync($"/_simulator/faults?source={source}&credential={Uri.EscapeDataString(credential)}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public static async Task<JsonObject> OkJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static (string Id, string Secret) Split(string credential)
    {
        var colon = credential.IndexOf(':', StringComparison.Ordinal);
        return (credential[..colon], credential[(colon + 1)..]);
    }
}
