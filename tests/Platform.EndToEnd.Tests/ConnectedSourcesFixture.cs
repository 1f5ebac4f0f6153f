using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Sources connected through the API, as real processes on their own database and virtual host: the source simulator,
/// connector-stripe started with no workspace at all and told where the orchestrator is, the sync orchestrator, and
/// the gateway in front. Nothing is restarted: a workspace connected through the gateway must work at once.
/// </summary>
public sealed class ConnectedSourcesFixture : IAsyncLifetime
{
    public static readonly string ApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    public const string SimulatorKey = "sk_test_connected_blue";
    public const int Customers = 40;

    private readonly ServiceGroup _services = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceProcess Simulator { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    /// <summary>The gateway without an operator key, as a vendor calls it.</summary>
    public HttpClient Vendor { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("connect");
        VirtualHost = await TestVirtualHost.CreateAsync("connect");
        Simulator = await Start("source-simulator", "Platform.SourceSimulator", [], []);
        using (var admin = new HttpClient { BaseAddress = Simulator.Address })
        using (var account = await admin.PostAsJsonAsync("_simulator/accounts",
            new { source = "stripe", credential = SimulatorKey, seed = 5, size = Customers, ratePermits = 0 }))
        {
            Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
        }

        var common = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
        };
        var orchestratorPort = ServiceProcess.FreePort();
        // No Connectors__Stripe__Workspaces__* at all: every credential comes through the API.
        var stripe = await Start("connector-stripe", "Platform.Connectors.Stripe", common,
        [
            // Nothing listens here: each workspace reaches the simulator through the baseAddress it is connected with.
            ("Connectors__Stripe__Http__BaseAddress", "http://127.0.0.1:1/"),
            ("Connectors__Stripe__Http__RatePermits", "0"),
            ("Connector__Backfill__PollInterval", "00:00:00.500"),
            ("Connector__Settings__OrchestratorAddress", $"http://127.0.0.1:{orchestratorPort}/"),
        ]);
        var orchestrator = await Start("sync-orchestrator", "Platform.SyncOrchestrator", common,
        [
            ("SyncOrchestrator__Connectors__stripe__Address", stripe.Address.ToString()),
            ("SyncOrchestrator__Connectors__ploomes__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__hotmart__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Dispatch__PollInterval", "00:00:00.500"),
        ], orchestratorPort);
        var gateway = await Start("gateway", "Platform.Gateway", common,
        [
            ("Gateway__ApiKeys__0__Name", "connect-operator"),
            ("Gateway__ApiKeys__0__Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)))),
            .. Enumerable.Range(0, 12).Select(i => ($"Gateway__ReadyServices__{i}", i switch { 0 => "connector-stripe", 1 => "sync-orchestrator", _ => "" })),
            ("ReverseProxy__Clusters__connector-stripe__Destinations__primary__Address", stripe.Address.ToString()),
            ("ReverseProxy__Clusters__sync-orchestrator__Destinations__primary__Address", orchestrator.Address.ToString()),
        ]);
        Api = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Api.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        Vendor = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    private Task<ServiceProcess> Start(string name, string project, Dictionary<string, string?> common, (string Key, string Value)[] extra,
        int? port = null)
        => _services.StartAsync(name, project, common, extra, port);

    public Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, "connector-stripe", sql, parameters);

    /// <summary>Every service's recent output, for failure messages.</summary>
    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Vendor?.Dispose();
        await _services.DisposeAsync();
        if (VirtualHost is not null)
        {
            await VirtualHost.DisposeAsync();
        }
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}
