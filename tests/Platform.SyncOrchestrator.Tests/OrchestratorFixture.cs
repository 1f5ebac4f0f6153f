using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.SyncOrchestrator.Tests;

/// <summary>
/// The service hosted in-process on its own database and virtual host, with fake ploomes and stripe connectors
/// (a real queue each, and a status page), hotmart configured at an address nobody answers, and a webhook
/// receiver for alerts. Intervals are short so schedules, stuck runs and webhook retries happen within a test.
/// </summary>
public class OrchestratorFixture : IAsyncLifetime
{
    public const string Operator = "ana.ops";
    public static readonly Uri Unreachable = new("http://127.0.0.1:1/");
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<(WebApplicationFactory<Program> Factory, HttpClient Http)> _hosts = [];

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public FakeConnector Ploomes { get; private set; } = null!;
    public FakeConnector Stripe { get; private set; } = null!;
    public FakeWebhook Webhook { get; private set; } = null!;
    /// <summary>A client on the first running instance, with the operator header the gateway would add.</summary>
    public HttpClient Http => _hosts[0].Http;

    /// <summary>The clock of every host; null is the system clock.</summary>
    protected virtual TimeProvider? Clock => null;

    /// <summary>Settings over the service's appsettings.</summary>
    protected virtual IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["SyncOrchestrator:Connectors:ploomes:Address"] = Ploomes.Address.ToString(),
        ["SyncOrchestrator:Connectors:stripe:Address"] = Stripe.Address.ToString(),
        ["SyncOrchestrator:Connectors:hotmart:Address"] = Unreachable.ToString(),
        ["SyncOrchestrator:StatusTimeout"] = "00:00:02",
        ["SyncOrchestrator:Scheduler:PollInterval"] = "00:00:00.200",
        ["SyncOrchestrator:Alerts:StuckAfter"] = "00:00:03",
        ["SyncOrchestrator:Alerts:CheckInterval"] = "00:00:00.250",
        ["SyncOrchestrator:Alerts:WebhookUrl"] = Webhook.Url.ToString(),
        ["SyncOrchestrator:Alerts:WebhookRetryDelays:0"] = "00:00:00.200",
        ["SyncOrchestrator:Alerts:WebhookRetryDelays:1"] = "00:00:00.200",
        ["SyncOrchestrator:Alerts:WebhookRetryDelays:2"] = "00:00:00.200",
        ["SyncOrchestrator:Alerts:WebhookPollInterval"] = "00:00:00.200",
        ["SyncOrchestrator:Dispatch:PollInterval"] = "00:00:00.500",
        ["SyncOrchestrator:Dispatch:ResendAfter"] = "00:00:02",
    };

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("orchestrator");
        VirtualHost = await TestVirtualHost.CreateAsync("orchestrator");
        Ploomes = await FakeConnector.StartAsync(VirtualHost, "ploomes", "contacts", "deals");
        Stripe = await FakeConnector.StartAsync(VirtualHost, "stripe", "charges", "customers");
        Webhook = await FakeWebhook.StartAsync();
        await StartHostAsync();
    }

    /// <summary>Starts one more orchestrator instance on the same database and broker (and clock).</summary>
    public async Task<HttpClient> StartHostAsync()
    {
        var clock = Clock;
        var factory = new ServiceFactory<Program>(Database, VirtualHost, Settings()).WithWebHostBuilder(builder =>
        {
            if (clock is not null)
            {
                builder.ConfigureTestServices(services => services.AddSingleton(clock));
            }
        });
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Operator", Operator);
        _hosts.Add((factory, http));
        await WaitUntilReadyAsync(http);
        return http;
    }

    /// <summary>Stops an instance (its background loops end with it), as a crash or a deploy would.</summary>
    public async Task StopHostAsync(HttpClient http)
    {
        var host = _hosts.Single(h => h.Http == http);
        _hosts.Remove(host);
        http.Dispose();
        await host.Factory.DisposeAsync();
    }

    /// <summary>Until /health/ready is Healthy the consumers' queues may not be bound yet, and a published event would be dropped.</summary>
    private static async Task WaitUntilReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && JsonDocument.Parse(last).RootElement.GetProperty("status").GetString() == "Healthy")
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"sync-orchestrator was not ready after {StartTimeout}: {last}");
    }

    public static string NewWorkspace() => $"ws-{Guid.NewGuid():N}"[..15];

    public FakeConnector Connector(string source) => source switch
    {
        "ploomes" => Ploomes,
        "stripe" => Stripe,
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "no fake for this source"),
    };

    /// <summary>Starts a sync through the API and waits until the fake connector received its StartSync.</summary>
    public async Task<(RunDto Run, StartSync Command)> StartRunAsync(string workspaceId, string source = "ploomes", params string[] streams)
    {
        using var response = await Http.PostAsJsonAsync(new Uri("/api/syncs", UriKind.Relative),
            new { workspaceId, source, streams, mode = "full" });
        Assert.True(response.IsSuccessStatusCode, $"POST /api/syncs: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var run = (await response.Content.ReadFromJsonAsync<RunDto>())!;
        return (run, await Connector(source).StartOfAsync(run.Id));
    }

    public Task<RunDto> RunAsync(Guid id) => GetJsonAsync<RunDto>($"/api/syncs/{id}");

    /// <summary>Waits until the run satisfies <paramref name="done"/> (the consumers are asynchronous).</summary>
    public Task<RunDto> RunWhenAsync(Guid id, Func<RunDto, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => RunAsync(id), done, $"run {id} {what}", timeout);

    public async Task<List<AlertDto>> AlertsAsync(string workspaceId) =>
        (await GetJsonAsync<PageDto<AlertDto>>($"/api/alerts?workspaceId={workspaceId}&pageSize=200")).Items;

    public async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var (factory, http) in _hosts)
        {
            http.Dispose();
            await factory.DisposeAsync();
        }
        foreach (var part in new IAsyncDisposable?[] { Webhook, Stripe, Ploomes, VirtualHost, Database })
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }
    }
}
