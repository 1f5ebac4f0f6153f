using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Gateway.Authentication;
using Platform.Gateway.Health;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.DeadLetters;

/// <summary>One consumer queue of one service, with what waits in its <c>_error</c> queue.</summary>
public sealed record QueueDeadLetters(string Service, string Queue, string ErrorQueue, long Messages, long Consumers, long DeadLettered);

/// <summary>A service whose queues could not be read, and why (no internal error text).</summary>
public sealed record UnavailableService(string Service, string Reason);

/// <summary>Every service's queues: what the command center shows.</summary>
public sealed record DeadLetterOverview(long TotalDeadLettered, IReadOnlyList<QueueDeadLetters> Queues, IReadOnlyList<UnavailableService> Unavailable);

/// <summary>What one replay moved back to its queue.</summary>
public sealed record ReplayOutcome(string Service, string Queue, long Replayed, long Remaining);

/// <summary>
/// <c>/api/dead-letters</c>: dead-lettered messages of every service (each service answers for its own queues at
/// <c>/dead-letters</c>), and replay of one queue or of all of them with one call.
/// </summary>
internal static class DeadLetterEndpoints
{
    public const string HttpClientName = "downstream-dead-letters";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record ServiceReport(string Service, List<ServiceQueue> Queues);

    private sealed record ServiceQueue(string Queue, string ErrorQueue, long Messages, long Consumers, long DeadLettered);

    private sealed record ServiceReplay(string Queue, long Replayed, long Remaining);

    public static IHostApplicationBuilder AddDeadLetterOverview(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10)).AddPlatformCallerToken();
        return builder;
    }

    public static WebApplication MapDeadLetterEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/dead-letters").WithTags("dead-letters").RequireAuthorization(OperatorAuthentication.Policy);
        group.MapGet("", ListAsync);
        group.MapPost("/replay", ReplayAllAsync);
        group.MapPost("/{service}/{queue}/replay", ReplayAsync);
        return app;
    }

    private static async Task<Ok<DeadLetterOverview>> ListAsync(
        IHttpClientFactory clients, DownstreamAddresses addresses, IOptionsMonitor<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var services = options.CurrentValue.EffectiveReadyServices;
        var reports = await Task.WhenAll(services.Select(s => ReadAsync(clients, addresses, s, cancellationToken)));
        var queues = reports.SelectMany(r => r.Queues).OrderByDescending(q => q.DeadLettered).ThenBy(q => q.Queue, StringComparer.Ordinal).ToList();
        var unavailable = reports.Where(r => r.Unavailable is not null).Select(r => r.Unavailable!).ToList();
        return TypedResults.Ok(new DeadLetterOverview(queues.Sum(q => q.DeadLettered), queues, unavailable));
    }

    private static async Task<Results<Ok<ReplayOutcome>, ProblemHttpResult>> ReplayAsync(
        string service, string queue, HttpContext http, IHttpClientFactory clients, DownstreamAddresses addresses,
        IOptionsMonitor<GatewayOptions> options, InternalTokens tokens, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.EffectiveReadyServices.Contains(service, StringComparer.Ordinal) || addresses.Of(service) is not { } address)
        {
            return TypedResults.Problem(title: "Unknown service", statusCode: StatusCodes.Status404NotFound,
                detail: $"'{service}' is not one of the services behind this gateway: {string.Join(", ", options.CurrentValue.EffectiveReadyServices)}.");
        }
        return await ForwardReplayAsync(clients, address, service, queue, http.User.Identity?.Name, tokens, cancellationToken);
    }

    private static async Task<Results<Ok<IReadOnlyList<ReplayOutcome>>, ProblemHttpResult>> ReplayAllAsync(
        HttpContext http, IHttpClientFactory clients, DownstreamAddresses addresses, IOptionsMonitor<GatewayOptions> options,
        InternalTokens tokens, CancellationToken cancellationToken)
    {
        var overview = (await ListAsync(clients, addresses, options, cancellationToken)).Value!;
        var outcomes = new List<ReplayOutcome>();
        foreach (var queue in overview.Queues.Where(q => q.DeadLettered > 0))
        {
            var result = await ForwardReplayAsync(clients, addresses.Of(queue.Service)!, queue.Service, queue.Queue, http.User.Identity?.Name, tokens, cancellationToken);
            if (result.Result is Ok<ReplayOutcome> ok)
            {
                outcomes.Add(ok.Value!);
            }
            else if (result.Result is ProblemHttpResult problem)
            {
                return problem;
            }
        }
        return TypedResults.Ok<IReadOnlyList<ReplayOutcome>>(outcomes);
    }

    private static async Task<Results<Ok<ReplayOutcome>, ProblemHttpResult>> ForwardReplayAsync(IHttpClientFactory clients, Uri address,
        string service, string queue, string? operatorName, InternalTokens tokens, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"dead-letters/{Uri.EscapeDataString(queue)}/replay"));
        // Signed as a service call (only services may replay) that names the operator who asked, for the service's log.
        if (operatorName is not null && tokens.Sign(operatorName, CallerRoles.Service, null) is { } token)
        {
            request.Headers.TryAddWithoutValidation(PlatformCaller.Header, token);
        }
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return TypedResults.Problem(title: "Unknown queue", statusCode: StatusCodes.Status404NotFound,
                    detail: $"{service} has no queue '{queue}'; GET /api/dead-letters lists the queues.");
            }
            if (!response.IsSuccessStatusCode)
            {
                return TypedResults.Problem(title: "Replay failed", statusCode: StatusCodes.Status503ServiceUnavailable,
                    detail: $"{service} answered {(int)response.StatusCode}; nothing was lost, try again when it is ready.");
            }
            var replay = await response.Content.ReadFromJsonAsync<ServiceReplay>(Json, cancellationToken);
            return TypedResults.Ok(new ReplayOutcome(service, queue, replay!.Replayed, replay.Remaining));
        }
        catch (HttpRequestException)
        {
            return TypedResults.Problem(title: "Service unreachable", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: $"{service} cannot be reached; nothing was replayed.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(title: "Service did not answer", statusCode: StatusCodes.Status504GatewayTimeout,
                detail: $"{service} did not answer within 10 s; the replay may still be running, list again to see.");
        }
    }

    private static async Task<(List<QueueDeadLetters> Queues, UnavailableService? Unavailable)> ReadAsync(
        IHttpClientFactory clients, DownstreamAddresses addresses, string service, CancellationToken cancellationToken)
    {
        if (addresses.Of(service) is not { } address)
        {
            return ([], new UnavailableService(service, "no cluster of that name in ReverseProxy:Clusters"));
        }
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(new Uri(address, "dead-letters"), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return ([], null); // a service without consumers
            }
            if (!response.IsSuccessStatusCode)
            {
                return ([], new UnavailableService(service, $"answered {(int)response.StatusCode}"));
            }
            var report = await response.Content.ReadFromJsonAsync<ServiceReport>(Json, cancellationToken);
            return (report!.Queues.Select(q => new QueueDeadLetters(service, q.Queue, q.ErrorQueue, q.Messages, q.Consumers, q.DeadLettered)).ToList(), null);
        }
        catch (HttpRequestException)
        {
            return ([], new UnavailableService(service, "unreachable"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ([], new UnavailableService(service, "no answer within 10 s"));
        }
        catch (JsonException)
        {
            return ([], new UnavailableService(service, "answered something other than its queue list"));
        }
    }
}
