using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Gateway.Health;
using Platform.ServiceDefaults.Privacy;

namespace Platform.Gateway.Privacy;

/// <summary>A request accepted by the endpoint, with the person's values (kept only in memory, never stored).</summary>
internal sealed record PrivacyWork(Guid Id, string Kind, PrivacySubject Subject);

/// <summary>
/// Runs privacy requests in the background: identity resolution first says who the person is (clients, every
/// identifier, every source record), then every service behind the gateway gets the widened subject at
/// <c>/internal/privacy/access</c> or <c>/erasure</c>, in parallel, each one's state recorded as it answers. An access
/// request's answers become its document; an erasure also forgets the person's earlier exports here.
/// </summary>
internal sealed partial class PrivacyProcessor(PrivacyStore store, IHttpClientFactory clients, DownstreamAddresses addresses,
    IOptionsMonitor<GatewayOptions> options, TimeProvider clock, ILogger<PrivacyProcessor> logger) : BackgroundService
{
    public const string HttpClientName = "downstream-privacy";
    private const string Identity = "identity-resolution";
    private readonly Channel<PrivacyWork> _work = Channel.CreateUnbounded<PrivacyWork>();

    public ValueTask EnqueueAsync(PrivacyWork work, CancellationToken cancellationToken) => _work.Writer.WriteAsync(work, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await store.FailInterruptedAsync(stoppingToken);
        await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(work, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, work.Id, ex.GetType().Name);
                await store.ServiceStateAsync(work.Id, "gateway", new ServiceState("failed", null, "the request stopped; submit it again"), CancellationToken.None);
                await store.CompleteAsync(work.Id, false, [], null, CancellationToken.None);
            }
        }
    }

    private async Task RunAsync(PrivacyWork work, CancellationToken cancellationToken)
    {
        var salt = await store.SaltAsync(work.Subject.WorkspaceId, cancellationToken);
        var (lookedUp, lookupState) = await CallAsync<PrivacySubject>(Identity, "internal/privacy/lookup", work.Subject, cancellationToken);
        if (lookedUp is null)
        {
            await store.ServiceStateAsync(work.Id, Identity, lookupState, cancellationToken);
            await store.CompleteAsync(work.Id, false, [], null, cancellationToken);
            return;
        }
        var hashes = lookedUp.Identifiers.Select(i => SuppressionKey.Hash(salt, i.Kind, i.Value)).OfType<string>().Distinct().ToList();
        var subject = lookedUp with
        {
            RequestId = work.Id,
            Salt = work.Kind == PrivacyKinds.Erasure ? Convert.ToBase64String(salt) : null,
            SuppressionHashes = work.Kind == PrivacyKinds.Erasure ? hashes : [],
        };
        var services = options.CurrentValue.EffectiveReadyServices;
        var path = work.Kind == PrivacyKinds.Erasure ? "internal/privacy/erasure" : "internal/privacy/access";
        var parts = await Task.WhenAll(services.Select(async service =>
        {
            await store.ServiceStateAsync(work.Id, service, new ServiceState("running", null, null), cancellationToken);
            var (part, state) = await CallAsync<PrivacyPart>(service, path, subject, cancellationToken);
            await store.ServiceStateAsync(work.Id, service, state, cancellationToken);
            return (Service: service, Part: part, State: state);
        }));
        var succeeded = parts.All(p => p.State.State is "completed" or "not-applicable");
        object? document = null;
        if (work.Kind == PrivacyKinds.Access)
        {
            document = new
            {
                requestId = work.Id,
                workspaceId = subject.WorkspaceId,
                generatedAt = clock.GetUtcNow(),
                clients = subject.ClientIds,
                identifiers = subject.Identifiers,
                sourceRecords = subject.Records,
                services = parts.Where(p => p.Part is not null).ToDictionary(p => p.Service, p => p.Part!.Rows),
            };
        }
        else
        {
            var forgotten = await store.ForgetExportsAsync(subject.WorkspaceId, hashes, cancellationToken);
            await store.ServiceStateAsync(work.Id, "gateway", new ServiceState("completed", forgotten, null), cancellationToken);
            document = new { services = parts.Where(p => p.Part is not null).ToDictionary(p => p.Service, p => p.Part!.Rows) };
        }
        await store.CompleteAsync(work.Id, succeeded, subject.SuppressionHashes, document, cancellationToken);
    }

    /// <summary>Lifts hashes in every service (a new consent).</summary>
    public async Task<IReadOnlyList<string>> LiftAsync(SuppressionLift lift, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var service in options.CurrentValue.EffectiveReadyServices)
        {
            var (_, state) = await CallAsync<object>(service, "internal/privacy/lift", lift, cancellationToken);
            if (state.State == "failed")
            {
                failed.Add(service);
            }
        }
        return failed;
    }

    private async Task<(T? Answer, ServiceState State)> CallAsync<T>(string service, string path, object body, CancellationToken cancellationToken)
        where T : class
    {
        if (addresses.Of(service) is not { } address)
        {
            return (null, new ServiceState("failed", null, "no cluster of that name in ReverseProxy:Clusters"));
        }
        try
        {
            using var response = await clients.CreateClient(HttpClientName).PostAsJsonAsync(new Uri(address, path), body, PrivacyJson.Options, cancellationToken);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                return (null, new ServiceState("not-applicable", 0, null)); // a service without a database holds nothing
            }
            if (response.StatusCode == HttpStatusCode.Conflict
                && await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken) is { Detail: { } detail })
            {
                // The request cannot be carried out as asked (identity resolution: the identifiers belong to several people).
                return (null, new ServiceState("failed", null, detail));
            }
            if (!response.IsSuccessStatusCode)
            {
                return (null, new ServiceState("failed", null, $"answered {(int)response.StatusCode}"));
            }
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return (null, new ServiceState("completed", 0, null));
            }
            var answer = await response.Content.ReadFromJsonAsync<T>(PrivacyJson.Options, cancellationToken);
            return (answer, new ServiceState("completed", (answer as PrivacyPart)?.Rows.Count, null));
        }
        catch (HttpRequestException)
        {
            return (null, new ServiceState("failed", null, "unreachable"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new ServiceState("failed", null, "did not answer in time"));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Privacy request {RequestId} failed ({Error})")]
    private static partial void LogFailed(ILogger logger, Guid requestId, string error);
}

/// <summary>One service's progress on a request.</summary>
internal sealed record ServiceState(string State, int? Rows, string? Error);

internal static class PrivacyKinds
{
    public const string Access = "access";
    public const string Erasure = "erasure";
}
