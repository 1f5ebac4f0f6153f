using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;

namespace Platform.Connectors.ManyChat.Api;

/// <summary>ManyChat answered <c>{"status":"error"}</c>: a request the vendor refused for a reason a person can read.</summary>
public sealed class ManyChatErrorException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// The connector's view of ManyChat: per-endpoint limits (findBySystemField 50/s, getInfo 10/s, addTag 10/s, sendFlow 20/s), the
/// envelope read once, the token taken from the workspace's credentials (<c>Connectors:ManyChat:Workspaces:W:Token</c>).
/// </summary>
public sealed class ManyChatClient(IManyChatApi api)
{
    public static readonly IReadOnlyDictionary<string, int> LimitsPerSecond = new Dictionary<string, int>
    {
        ["findBySystemField"] = 50,
        ["getInfo"] = 10,
        ["addTag"] = 10,
        ["sendFlow"] = 20,
    };

    public static string Token(string workspaceId, IConfiguration credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var token = credentials["Token"];
        if (string.IsNullOrWhiteSpace(token) || !token.Contains(':', StringComparison.Ordinal))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{workspaceId}' has no ManyChat token 'page_id:api_key' (Connectors__ManyChat__Workspaces__{workspaceId}__Token).");
        }
        return "Bearer " + token.Trim();
    }

    /// <summary>The subscriber with this email or phone; null when ManyChat has none.</summary>
    public async Task<JsonElement?> FindAsync(string workspaceId, string authorization, string? email, string? phone, CancellationToken cancellationToken)
    {
        using var response = await api.FindBySystemFieldAsync(email, email is null ? phone : null, authorization, workspaceId, "findBySystemField", cancellationToken);
        try
        {
            var data = await DataAsync(response, workspaceId, cancellationToken);
            return data is { ValueKind: JsonValueKind.Object } subscriber && subscriber.TryGetProperty("id", out _) ? subscriber : null;
        }
        catch (ManyChatErrorException ex) when (ex.Message.Contains("not found", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    /// <summary>The subscriber by id; null when ManyChat says it does not exist.</summary>
    public async Task<JsonElement?> GetInfoAsync(string workspaceId, string authorization, string subscriberId, CancellationToken cancellationToken)
    {
        using var response = await api.GetInfoAsync(subscriberId, authorization, workspaceId, "getInfo", cancellationToken);
        try
        {
            var data = await DataAsync(response, workspaceId, cancellationToken);
            return data is { ValueKind: JsonValueKind.Object } subscriber && subscriber.TryGetProperty("id", out _) ? subscriber : null;
        }
        catch (ManyChatErrorException ex) when (ex.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    /// <summary>Adds a tag by name; returns ManyChat's answer as text for the push record.</summary>
    public async Task<string> AddTagAsync(string workspaceId, string authorization, string subscriberId, string tag, CancellationToken cancellationToken)
    {
        using var response = await api.AddTagByNameAsync(new AddTagByNameRequest(subscriberId, tag), authorization, workspaceId, "addTag", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        await CheckAsync(response, body, workspaceId, cancellationToken);
        return $"{(int)response.StatusCode} {body}";
    }

    /// <summary>Runs a flow for the subscriber; returns ManyChat's answer as text for the action record.</summary>
    public async Task<string> SendFlowAsync(string workspaceId, string authorization, string subscriberId, string flowNs, CancellationToken cancellationToken)
    {
        using var response = await api.SendFlowAsync(new SendFlowRequest(subscriberId, flowNs), authorization, workspaceId, "sendFlow", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        await CheckAsync(response, body, workspaceId, cancellationToken);
        return $"{(int)response.StatusCode} {body}";
    }

    private static async Task<JsonElement?> DataAsync(HttpResponseMessage response, string workspaceId, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        await CheckAsync(response, body, workspaceId, cancellationToken);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("data", out var data) ? data.Clone() : null;
    }

    private static async Task CheckAsync(HttpResponseMessage response, string body, string workspaceId, CancellationToken cancellationToken)
    {
        if (response.StatusCode is HttpStatusCode.BadRequest)
        {
            throw new ManyChatErrorException(400, Message(body));
        }
        await response.EnsureSuccessAsync("ManyChat", workspaceId, cancellationToken);
        if (!body.Contains("\"success\"", StringComparison.Ordinal))
        {
            throw new ManyChatErrorException((int)response.StatusCode, Message(body));
        }
    }

    private static string Message(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
            var details = root.TryGetProperty("details", out var d) && d.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array
                ? string.Join("; ", list.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Object && x.TryGetProperty("message", out var t) ? t.ToString() : x.ToString()))
                : null;
            return string.Join(": ", new[] { message, details }.Where(s => !string.IsNullOrEmpty(s)));
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}

/// <summary>
/// ManyChat limits each endpoint separately (per page key): one token bucket per workspace and endpoint, so a tag push
/// at 10/s never slows the 50/s lookups. Waiting requests queue; none is refused.
/// </summary>
public sealed class ManyChatRateLimitHandler(ManyChatRateLimits limits) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.TryGetValue(new HttpRequestOptionsKey<string>(ManyChatApiKeys.Workspace), out var workspace);
        request.Options.TryGetValue(new HttpRequestOptionsKey<string>(ManyChatApiKeys.Endpoint), out var endpoint);
        if (limits.For(workspace ?? "_", endpoint ?? "other") is not { } bucket)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        using var lease = await bucket.AcquireAsync(1, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The buckets; <c>Connectors:ManyChat:Http:RateScale</c> scales ManyChat's figures (0 turns them off).</summary>
public sealed class ManyChatRateLimits(double scale) : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), System.Threading.RateLimiting.TokenBucketRateLimiter> _buckets = new();

    public System.Threading.RateLimiting.TokenBucketRateLimiter? For(string workspace, string endpoint)
    {
        if (scale <= 0)
        {
            return null;
        }
        var perSecond = Math.Max(1, (int)Math.Round(ManyChatClient.LimitsPerSecond.GetValueOrDefault(endpoint, 10) * scale));
        return _buckets.GetOrAdd((workspace, endpoint), _ => new System.Threading.RateLimiting.TokenBucketRateLimiter(new()
        {
            // Spread evenly: bursts are what trips a vendor's per-second window.
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1.0 / perSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = System.Threading.RateLimiting.QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }
}
