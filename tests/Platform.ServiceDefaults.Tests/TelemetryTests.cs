using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    [Theory]
    [InlineData("Platform.Connectors.Stripe", "connector-stripe")]
    [InlineData("Platform.Connectors.GoHighLevel", "connector-go-high-level")]
    [InlineData("Platform.IdentityResolution", "identity-resolution")]
    [InlineData("Platform.SyncOrchestrator", "sync-orchestrator")]
    [InlineData("Platform.Gateway", "gateway")]
    public void The_service_name_is_the_kebab_case_name_of_its_assembly(string assembly, string expected) =>
        Assert.Equal(expected, PlatformServiceName.FromAssembly(assembly));

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_request_latency_per_route()
    {
        await using var host = await TestHost.StartAsync(virtualHost: null);
        using var _ = await host.Http.GetAsync("/hello");

        var text = "";
        await host.WaitUntilAsync(async () =>
        {
            text = await host.Http.GetStringAsync("/metrics");
            return text.Contains("http_server_request_duration_seconds_bucket", StringComparison.Ordinal);
        }, "request metrics", seconds: 20);

        Assert.Contains("http_route=\"/hello\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_metrics_port_the_main_listener_does_not_serve_metrics()
    {
        await using var host = await TestHost.StartAsync(virtualHost: null, new Dictionary<string, string?> { ["Telemetry:MetricsPort"] = "1" });

        using var response = await host.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_shows_which_check_failed_but_never_an_exceptions_text()
    {
        const string secret = "Npgsql: password authentication failed for user platform at 10.1.2.3";
        await using var host = await TestHost.StartAsync(virtualHost: null, configure: b => b.AddFailingCheck(secret));

        using var response = await host.Http.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("password", body, StringComparison.Ordinal);
        Assert.DoesNotContain("10.1.2.3", body, StringComparison.Ordinal);
        Assert.Contains("Dependency unreachable", body, StringComparison.Ordinal);
        Assert.Contains("throws", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_log_line_names_the_service_and_keeps_scopes()
    {
        var options = new PlatformJsonConsoleFormatterOptions { ServiceName = "identity-resolution", IncludeScopes = true, UseUtcTimestamp = true };
        var formatter = new PlatformJsonConsoleFormatter(new StaticOptions(options));
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new Dictionary<string, object> { ["CorrelationId"] = "c-1" });
        using var output = new StringWriter();

        var entry = new Microsoft.Extensions.Logging.Abstractions.LogEntry<string>(
            LogLevel.Information, "Test.Category", new EventId(7), "resolved 3 records", null, (s, _) => s);
        formatter.Write(in entry, scopes, output);

        var line = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal("identity-resolution", line.GetProperty("Service").GetString());
        Assert.Equal("resolved 3 records", line.GetProperty("Message").GetString());
        Assert.Equal("c-1", line.GetProperty("Scopes")[0].GetProperty("CorrelationId").GetString());
    }

    private sealed class StaticOptions(PlatformJsonConsoleFormatterOptions value) : IOptionsMonitor<PlatformJsonConsoleFormatterOptions>
    {
        public PlatformJsonConsoleFormatterOptions CurrentValue => value;

        public PlatformJsonConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<PlatformJsonConsoleFormatterOptions, string?> listener) => null;
    }
}
