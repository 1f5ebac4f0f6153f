using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Platform.Contracts.IdentityResolution;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The sync command center as real processes on their own database and virtual host: the source simulator,
/// connector-ploomes pointed at it, identity-resolution, aggregation, sync-orchestrator and the gateway in front,
/// plus a test subscriber on ClientUpdated. Every test has its own workspace and simulator account (its own data
/// and faults). The orchestrator calls a run stuck after 3 s without progress, so a slow page shows it.
/// </summary>
public sealed class SyncCommandCenterFixture : IAsyncLifetime
{
    public static readonly string ApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    public const string Operator = "cc-operator";
    /// <summary>Workspaces with Ploomes credentials, one per scenario, each with a simulator account of its own (contacts and deals each).</summary>
    public static readonly IReadOnlyDictionary<string, int> Workspaces = new Dictionary<string, int>
    {
        // Three pages of contacts and of deals ($top=300), so the run is seen running before it succeeds.
        ["cc-backfill"] = 650,
        ["cc-deferred"] = 40,
        ["cc-revoked"] = 40,
        ["cc-slow"] = 40,
    };

    private readonly ServiceGroup _services = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public BusProbe<ClientUpdated> ClientUpdates { get; private set; } = null!;
    public ServiceProcess Simulator { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;
    public HttpClient SimulatorAdmin { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public static string KeyOf(string workspace) => $"ploomes-key-{workspace}";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("synccc");
        VirtualHost = await TestVirtualHost.CreateAsync("synccc");
        ClientUpdates = await BusProbe<ClientUpdated>.StartAsync<ClientsUpdated>(VirtualHost, m => m.Clients);
        Simulator = await Start("source-simulator", "Platform.SourceSimulator", [], []);
        SimulatorAdmin = new HttpClient { BaseAddress = Simulator.Address, Timeout = TimeSpan.FromSeconds(60) };
        foreach (var (workspace, size) in Workspaces)
        {
            using var account = await SimulatorAdmin.PostAsJsonAsync("_simulator/accounts",
                new { source = "ploomes", credential = KeyOf(workspace), seed = 11, size, ratePermits = 0 });
            Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
        }

        var common = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
        };
        var ploomes = await Start("connector-ploomes", "Platform.Connectors.Ploomes", common,
        [
            ("Connectors__Ploomes__Http__BaseAddress", Simulator.Address.ToString()),
            ("Connectors__Ploomes__Http__RatePermits", "0"),
            ("Connector__Backfill__PollInterval", "00:00:00.500"),
            .. Workspaces.Keys.SelectMany(w => new[]
            {
                ($"Connectors__Ploomes__Workspaces__{w}__UserKey", KeyOf(w)),
                ($"Connectors__Ploomes__Workspaces__{w}__ValidationKey", "unused"),
            }),
        ]);
        var identity = await Start("identity-resolution", "Platform.IdentityResolution", common, []);
        var aggregation = await Start("aggregation", "Platform.Aggregation", common, []);
        var orchestrator = await Start("sync-orchestrator", "Platform.SyncOrchestrator", common,
        [
            ("SyncOrchestrator__Connectors__ploomes__Address", ploomes.Address.ToString()),
            // Deployed by default but not started here: shown as unreachable in /api/sources.
            ("SyncOrchestrator__Connectors__stripe__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__hotmart__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Alerts__StuckAfter", "00:00:03"),
            ("SyncOrchestrator__Alerts__CheckInterval", "00:00:00.500"),
        ]);
        Gateway = await Start("gateway", "Platform.Gateway", common,
        [
            ("Gateway__ApiKeys__0__Name", Operator),
            ("Gateway__ApiKeys__0__Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)))),
            .. ReadyServices("connector-ploomes", "identity-resolution", "aggregation", "sync-orchestrator"),
            ("ReverseProxy__Clusters__connector-ploomes__Destinations__primary__Address", ploomes.Address.ToString()),
            ("ReverseProxy__Clusters__identity-resolution__Destinations__primary__Address", identity.Address.ToString()),
            ("ReverseProxy__Clusters__aggregation__Destinations__primary__Address", aggregation.Address.ToString()),
            ("ReverseProxy__Clusters__sync-orchestrator__Destinations__primary__Address", orchestrator.Address.ToString()),
            .. ExactRoutes("syncs", "sources", "schedules", "alerts", "unify"),
        ]);
        Api = new HttpClient { BaseAddress = Gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Api.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Only the services this fixture runs must be ready (the rest of the list is blanked).</summary>
    private static IEnumerable<(string, string)> ReadyServices(params string[] services) =>
        Enumerable.Range(0, 12).Select(i => ($"Gateway__ReadyServices__{i}", i < services.Length ? services[i] : ""));

    /// <summary>
    /// <c>/api/syncs</c> and the other collection roots without a trailing segment, with the route ids the gateway's
    /// own configuration uses for them (<c>api-syncs-exact</c>…), so these settings only restate it once it has them.
    /// </summary>
    private static IEnumerable<(string, string)> ExactRoutes(params string[] resources) => resources.SelectMany(r => new[]
    {
        ($"ReverseProxy__Routes__api-{r}-exact__ClusterId", "sync-orchestrator"),
        ($"ReverseProxy__Routes__api-{r}-exact__AuthorizationPolicy", "operator"),
        ($"ReverseProxy__Routes__api-{r}-exact__Match__Path", $"/api/{r}"),
    });

    private Task<ServiceProcess> Start(string name, string project, Dictionary<string, string?> common, (string Key, string Value)[] extra)
        => _services.StartAsync(name, project, common, extra);

    /// <summary>Adds a simulator fault for one workspace's account.</summary>
    public async Task FaultAsync(string workspace, object fault)
    {
        using var response = await SimulatorAdmin.PostAsJsonAsync("_simulator/faults", fault);
        Assert.True(response.IsSuccessStatusCode, $"fault for {workspace}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every service's recent output, for failure messages.</summary>
    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        SimulatorAdmin?.Dispose();
        await _services.DisposeAsync();
        if (ClientUpdates is not null)
        {
            await ClientUpdates.DisposeAsync();
        }
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
