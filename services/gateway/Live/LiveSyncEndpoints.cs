using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Gateway.Authentication;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Live;

/// <summary>The <c>Gateway:Live</c> settings.</summary>
internal sealed class LiveOptions
{
    public const string Section = "Gateway:Live";

    /// <summary>How often the gateway reads the runs for each open stream.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A comment line at least this often keeps idle proxies from closing the stream.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// <c>GET /api/live/syncs</c>: server-sent events with a workspace's latest runs (as <c>GET /api/syncs</c> lists them),
/// sent whenever anything in them changes: status, pages, records, retries, rate-limit waits per stream. The browser
/// keeps one stream open instead of polling each run; the gateway reads the orchestrator once per interval for it.
/// </summary>
internal static class LiveSyncEndpoints
{
    public const string HttpClientName = "live-syncs";
    private const string Cluster = "sync-orchestrator";

    public static IEndpointRouteBuilder MapLiveSyncEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/live/syncs", StreamAsync).RequireAuthorization(OperatorAuthentication.Policy)
            .WithTags("Live").WithName("LiveSyncs")
            .WithSummary("Live sync progress (server-sent events)")
            .WithDescription("A text/event-stream of `runs` events, each the JSON of GET /api/syncs?workspaceId=…&pageSize=… (the newest runs), sent when it changes.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        return app;
    }

    public static async Task<IResult> StreamAsync(
        string? workspaceId, int? pageSize, HttpContext http, IHttpClientFactory clients, IProxyStateLookup proxy, IOptions<LiveOptions> options,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(workspaceId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["workspaceId"] = ["workspaceId is required: whose runs to follow."] },
                title: "The live request is invalid");
        }
        var size = pageSize ?? 20;
        if (size is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["pageSize"] = ["pageSize must be between 1 and 100."] },
                title: "The live request is invalid");
        }
        if (!proxy.TryGetCluster(Cluster, out var cluster)
            || cluster.Model.Config.Destinations?.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value).FirstOrDefault() is not { } destination)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "sync-orchestrator is unavailable",
                detail: "The gateway has no address for sync-orchestrator.");
        }
        var url = new Uri(new Uri(destination.Address.TrimEnd('/') + "/"),
            $"api/syncs?workspaceId={Uri.EscapeDataString(workspaceId)}&pageSize={size}");
        return new LiveResult(url, clients.CreateClient(HttpClientName), options.Value);
    }

    private sealed class LiveResult(Uri url, HttpClient client, LiveOptions options) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var cancellationToken = http.RequestAborted;
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await http.Response.WriteAsync("retry: 2000\n\n", cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
            string? last = null;
            var quietSince = DateTime.UtcNow;
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    string? message = null;
                    try
                    {
                        using var response = await client.GetAsync(url, cancellationToken);
                        var body = await response.Content.ReadAsStringAsync(cancellationToken);
                        if (response.StatusCode == HttpStatusCode.OK && body != last)
                        {
                            last = body;
                            message = $"event: runs\ndata: {body.ReplaceLineEndings(" ")}\n\n";
                        }
                        else if (response.StatusCode != HttpStatusCode.OK)
                        {
                            message = $"event: unavailable\ndata: {(int)response.StatusCode}\n\n";
                        }
                    }
                    catch (HttpRequestException)
                    {
                        message = "event: unavailable\ndata: sync-orchestrator did not answer\n\n";
                    }
                    if (message is null && DateTime.UtcNow - quietSince >= options.Heartbeat)
                    {
                        message = ": heartbeat\n\n";
                    }
                    if (message is not null)
                    {
                        await http.Response.WriteAsync(message, cancellationToken);
                        await http.Response.Body.FlushAsync(cancellationToken);
                        quietSince = DateTime.UtcNow;
                    }
                    await Task.Delay(options.PollInterval, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // the browser went away
            }
        }
    }
}
