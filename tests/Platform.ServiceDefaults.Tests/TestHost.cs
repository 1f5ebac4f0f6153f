using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.ServiceDefaults.Tests;

/// <summary>A message the test consumer fails on while <see cref="Flaky.Failing"/> is set.</summary>
public sealed record FlakyPing(Guid Id);

/// <summary>Shared switch and record of what the consumer handled.</summary>
public sealed class Flaky
{
    private int _handled;
    private volatile bool _failing = true;

    public bool Failing { get => _failing; set => _failing = value; }

    public int Handled => Volatile.Read(ref _handled);

    public void Count() => Interlocked.Increment(ref _handled);
}

public sealed class FlakyPingConsumer(Flaky flaky) : IConsumer<FlakyPing>
{
    public Task Consume(ConsumeContext<FlakyPing> context)
    {
        if (flaky.Failing)
        {
            throw new InvalidOperationException("failing on purpose");
        }
        flaky.Count();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A real Kestrel host built the way services build theirs (AddServiceDefaults, AddPlatformMessaging,
/// MapDefaultEndpoints) on the test's own virtual host.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHost(WebApplication app, Flaky flaky)
    {
        _app = app;
        Flaky = flaky;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Signed as another service would sign its calls: /dead-letters is for services (the gateway).
        Http = TestCallers.DirectClient(new Uri(address), TimeSpan.FromSeconds(30), role: Platform.ServiceDefaults.Callers.CallerRoles.Service);
    }

    public const string ServiceName = "defaults-test";

    public Flaky Flaky { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestHost> StartAsync(TestVirtualHost? virtualHost, IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var all = new Dictionary<string, string?>
        {
            ["Platform:ServiceName"] = ServiceName,
            ["Telemetry:SampleIntervalSeconds"] = "1",
            ["Platform:InternalAuth:Key"] = TestEnvironment.InternalAuthKey,
            // Every retry stage short, whatever the number of stages: the test waits for the _error queue.
            ["RabbitMq:RetryIntervalsMs:0"] = "10",
            ["RabbitMq:RetryIntervalsMs:1"] = "10",
            ["RabbitMq:RetryIntervalsMs:2"] = "10",
            ["RabbitMq:RedeliveryIntervalsMs:0"] = "10",
            ["RabbitMq:RedeliveryIntervalsMs:1"] = "10",
            ["RabbitMq:RedeliveryIntervalsMs:2"] = "10",
        };
        if (virtualHost is not null)
        {
            foreach (var (key, value) in virtualHost.Settings())
            {
                all[key] = value;
            }
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(all);
        var flaky = new Flaky();
        builder.Services.AddSingleton(flaky);
        builder.AddServiceDefaults();
        if (virtualHost is not null)
        {
            builder.AddPlatformMessaging(ServiceName, bus => bus.AddConsumer<FlakyPingConsumer>());
        }
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/hello", () => "hello");
        await app.StartAsync();
        var host = new TestHost(app, flaky);
        if (virtualHost is not null)
        {
            await host.WaitUntilAsync(async () => (await host.Http.GetAsync("/health/ready")).IsSuccessStatusCode, "the bus to be ready");
        }
        return host;
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {seconds} s for {what}.");
            }
            await Task.Delay(100);
        }
    }

    public Task PublishAsync(object message) => _app.Services.GetRequiredService<IBus>().Publish(message);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class HealthChecksForTests
{
    public static void AddFailingCheck(this WebApplicationBuilder builder, string secret) =>
        builder.Services.AddHealthChecks()
            .AddCheck("throws", () => throw new InvalidOperationException(secret), tags: [ServiceDefaultsExtensions.ReadyTag])
            .AddCheck("reports", () => HealthCheckResult.Unhealthy("Dependency unreachable", new InvalidOperationException(secret)),
                tags: [ServiceDefaultsExtensions.ReadyTag]);
}
