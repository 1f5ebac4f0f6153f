using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Gateway.Health;

/// <summary>
/// GETs <c>/health/ready</c> of each service in <c>Gateway:ReadyServices</c>, in parallel, at the address its
/// cluster forwards to, and names every one that is not ready. A backend that is down makes the gateway
/// <c>Degraded</c> (still HTTP 200): the gateway can serve, and the webhook routes of healthy connectors must
/// stay up; Kubernetes would otherwise take the gateway out of its Service and every route with it. The detail
/// says which backend and in what way (refused, timed out, which of its checks failed), never the text a
/// backend or an exception gave: readiness is open to anonymous callers. <c>platform_gateway_backend_ready</c>
/// has the same answer per service.
/// </summary>
internal sealed partial class DownstreamReadinessCheck : IHealthCheck
{
    public const string Name = "downstream-services";
    public const string HttpClientName = "downstream-readiness";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly IHttpClientFactory _clients;
    private readonly DownstreamAddresses _addresses;
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly ILogger<DownstreamReadinessCheck> _logger;
    private readonly Lock _lock = new();
    private Dictionary<string, bool> _lastReady = [];

    public DownstreamReadinessCheck(IHttpClientFactory clients, DownstreamAddresses addresses, IOptionsMonitor<GatewayOptions> options,
        IMeterFactory meters, ILogger<DownstreamReadinessCheck> logger)
    {
        _clients = clients;
        _addresses = addresses;
        _options = options;
        _logger = logger;
        meters.Create(PlatformMetrics.MeterName).CreateObservableGauge("platform.gateway.backend.ready", ObserveReady,
            description: "1 when a backend service answered its last readiness probe as ready, else 0.");
    }

    private IEnumerable<Measurement<int>> ObserveReady()
    {
        lock (_lock)
        {
            return _lastReady.Select(s => new Measurement<int>(s.Value ? 1 : 0, new KeyValuePair<string, object?>("service", s.Key))).ToList();
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var services = _options.CurrentValue.EffectiveReadyServices;
        var outcomes = await Task.WhenAll(services.Select(service => ProbeAsync(service, cancellationToken)));
        lock (_lock)
        {
            _lastReady = outcomes.ToDictionary(o => o.Service, o => o.Problem is null);
        }

        var data = outcomes.ToDictionary(o => o.Service, o => (object)(o.Problem ?? "ready"));
        var failures = outcomes.Where(o => o.Problem is not null).Select(o => $"{o.Service}: {o.Problem}").ToList();
        return failures.Count == 0
            ? HealthCheckResult.Healthy($"Ready: {string.Join(", ", services)}", data)
            : HealthCheckResult.Degraded(string.Join("; ", failures), data: data);
    }

    private async Task<(string Service, string? Problem)> ProbeAsync(string service, CancellationToken cancellationToken)
    {
        var address = _addresses.Of(service);
        if (address is null)
        {
            return (service, "no cluster of that name in ReverseProxy:Clusters");
        }
        var url = new Uri(address, "health/ready");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await _clients.CreateClient(HttpClientName).GetAsync(url, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return (service, null);
            }
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            LogNotReady(_logger, service, (int)response.StatusCode, body.Length > 2000 ? body[..2000] : body);
            var failing = FailingChecks(body);
            return (service, failing.Count > 0
                ? $"{(int)response.StatusCode} (failing: {string.Join(", ", failing)})"
                : $"{(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (service, $"no answer within {ProbeTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            LogUnreachable(_logger, service, ex.Message);
            return (service, Describe(ex));
        }
    }

    /// <summary>The names of a service's checks that were not healthy (names only: they are ours, not error text).</summary>
    private static List<string> FailingChecks(string body)
    {
        try
        {
            using var report = JsonDocument.Parse(body);
            if (report.RootElement.ValueKind == JsonValueKind.Object
                && report.RootElement.TryGetProperty("checks", out var checks) && checks.ValueKind == JsonValueKind.Array)
            {
                return checks.EnumerateArray()
                    .Where(c => c.TryGetProperty("status", out var s) && s.GetString() != "Healthy")
                    .Select(c => c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "")
                    .Where(n => n.Length is > 0 and <= 64 && n.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
                    .ToList();
            }
        }
        catch (JsonException)
        {
        }
        return [];
    }

    private static string Describe(HttpRequestException ex) => (ex.InnerException as SocketException)?.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "connection timed out",
        _ => "unreachable",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backend {Service} is not ready: HTTP {Status} {Body}")]
    private static partial void LogNotReady(ILogger logger, string service, int status, string body);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backend {Service} cannot be reached: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string service, string error);
}
