using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Health;

/// <summary>
/// GETs <c>/health/ready</c> of each service in <c>Gateway:ReadyServices</c>, in parallel, at the address its
/// cluster forwards to, and names every one that is not ready and why.
/// </summary>
internal sealed class DownstreamReadinessCheck(
    IHttpClientFactory clients,
    IProxyStateLookup proxy,
    IOptionsMonitor<GatewayOptions> options) : IHealthCheck
{
    public const string Name = "downstream-services";
    public const string HttpClientName = "downstream-readiness";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private const int MaxBodyChars = 300;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var services = options.CurrentValue.EffectiveReadyServices;
        var outcomes = await Task.WhenAll(services.Select(service => ProbeAsync(service, cancellationToken)));

        var data = outcomes.ToDictionary(o => o.Service, o => (object)(o.Problem ?? "ready"));
        var failures = outcomes.Where(o => o.Problem is not null).Select(o => $"{o.Service}: {o.Problem}").ToList();
        return failures.Count == 0
            ? HealthCheckResult.Healthy($"Ready: {string.Join(", ", services)}", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", failures), data: data);
    }

    private async Task<(string Service, string? Problem)> ProbeAsync(string service, CancellationToken cancellationToken)
    {
        if (!proxy.TryGetCluster(service, out var cluster))
        {
            return (service, "no cluster of that name in ReverseProxy:Clusters");
        }
        var destination = cluster.Model.Config.Destinations?.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value).FirstOrDefault();
        if (destination is null)
        {
            return (service, "its cluster has no destination");
        }
        var baseAddress = (destination.Health ?? destination.Address).TrimEnd('/') + "/";
        var url = new Uri(new Uri(baseAddress), "health/ready");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(url, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return (service, null);
            }
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            body = body.Length > MaxBodyChars ? body[..MaxBodyChars] + "…" : body;
            return (service, $"{(int)response.StatusCode} {body}".TrimEnd());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (service, $"no answer within {ProbeTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return (service, Describe(ex));
        }
    }

    private static string Describe(HttpRequestException ex) => (ex.InnerException as SocketException)?.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "connection timed out",
        _ => ex.Message,
    };
}
