using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// GoHighLevel and PayPal behind the whole platform as real processes: the source simulator, both connectors pointed at
/// it, identity-resolution, aggregation, sync-orchestrator and the gateway in front, on their own database and virtual
/// host. Each workspace has a simulator account of its own.
/// </summary>
public sealed class GhlPayPalPlatformFixture : IAsyncLifetime
{
    public static readonly string ApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    /// <summary>
    /// The workspace both sources are connected to, with the simulator's demo GoHighLevel location and PayPal account
    /// (its appsettings) at their default limits, as <c>./platform up</c> connects them.
    /// </summary>
    public const string Demo = "demo";
    public const string GhlLocation = "DemoLocationGHL00001";
    public const string GhlToken = "pit-ghl-demo-token";
    public const string PayPalDemoClient = "paypal-demo-client";
    public const string PayPalDemoSecret = "paypal-demo-secret";

    /// <summary>Workspaces whose PayPal account holds a payment with a refund and a reversal, synced in different orders.</summary>
    public static readonly string[] NettingWorkspaces = ["pp-net-in-order", "pp-net-reversed"];

    private static readonly string[] OrchestratorRoots = ["syncs", "sources", "schedules", "alerts", "unify"];

    private readonly ServiceGroup _services = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public HttpClient SimulatorAdmin { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public static string ClientOf(string workspace) => $"{workspace}-client";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("ghlpp");
        VirtualHost = await TestVirtualHost.CreateAsync("ghlpp");
        var simulator = await Start("source-simulator", "Platform.SourceSimulator", [], []);
        SimulatorAdmin = new HttpClient { BaseAddress = simulator.Address, Timeout = TimeSpan.FromSeconds(60) };
        foreach (var workspace in NettingWorkspaces)
        {
            await AccountAsync("paypal", $"{ClientOf(workspace)}:secret", 1);
        }

        var common = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
        };
        var ghl = await Start("connector-gohighlevel", "Platform.Connectors.GoHighLevel", common,
        [
            ("Connectors__GoHighLevel__Http__BaseAddress", simulator.Address.ToString()),
            ("Connector__Backfill__PollInterval", "00:00:00.500"),
            ($"Connectors__GoHighLevel__Workspaces__{Demo}__LocationId", GhlLocation),
            ($"Connectors__GoHighLevel__Workspaces__{Demo}__Token", GhlToken),
        ]);
        var paypal = await Start("connector-paypal", "Platform.Connectors.PayPal", common,
        [
            ("Connectors__PayPal__Http__BaseAddress", simulator.Address.ToString()),
            ("Connectors__PayPal__Http__RatePermits", "0"),
            ("Connector__Backfill__PollInterval", "00:00:00.500"),
            ($"Connectors__PayPal__Workspaces__{Demo}__ClientId", PayPalDemoClient),
            ($"Connectors__PayPal__Workspaces__{Demo}__ClientSecret", PayPalDemoSecret),
            .. NettingWorkspaces.SelectMany(w => new[]
            {
                ($"Connectors__PayPal__Workspaces__{w}__ClientId", ClientOf(w)),
                ($"Connectors__PayPal__Workspaces__{w}__ClientSecret", "secret"),
            }),
        ]);
        var identity = await Start("identity-resolution", "Platform.IdentityResolution", common, []);
        var aggregation = await Start("aggregation", "Platform.Aggregation", common, []);
        var orchestrator = await Start("sync-orchestrator", "Platform.SyncOrchestrator", common,
        [
            ("SyncOrchestrator__Connectors__gohighlevel__Address", ghl.Address.ToString()),
            ("SyncOrchestrator__Connectors__paypal__Address", paypal.Address.ToString()),
            ("SyncOrchestrator__Connectors__stripe__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__hotmart__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__ploomes__Address", "http://127.0.0.1:1/"),
        ]);
        var gateway = await Start("gateway", "Platform.Gateway", common,
        [
            ("Gateway__ApiKeys__0__Name", "ghlpp-operator"),
            ("Gateway__ApiKeys__0__Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)))),
            .. Enumerable.Range(0, 12).Select(i => ($"Gateway__ReadyServices__{i}", i switch
            {
                0 => "connector-gohighlevel", 1 => "connector-paypal", 2 => "identity-resolution", 3 => "aggregation", 4 => "sync-orchestrator", _ => "",
            })),
            ("ReverseProxy__Clusters__connector-gohighlevel__Destinations__primary__Address", ghl.Address.ToString()),
            ("ReverseProxy__Clusters__connector-paypal__Destinations__primary__Address", paypal.Address.ToString()),
            ("ReverseProxy__Clusters__identity-resolution__Destinations__primary__Address", identity.Address.ToString()),
            ("ReverseProxy__Clusters__aggregation__Destinations__primary__Address", aggregation.Address.ToString()),
            ("ReverseProxy__Clusters__sync-orchestrator__Destinations__primary__Address", orchestrator.Address.ToString()),
            .. OrchestratorRoots.SelectMany(r => new[]
            {
                ($"ReverseProxy__Routes__api-{r}-exact__ClusterId", "sync-orchestrator"),
                ($"ReverseProxy__Routes__api-{r}-exact__AuthorizationPolicy", "operator"),
                ($"ReverseProxy__Routes__api-{r}-exact__Match__Path", $"/api/{r}"),
            }),
        ]);
        Api = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Api.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    private async Task AccountAsync(string source, string credential, int size)
    {
        using var response = await SimulatorAdmin.PostAsJsonAsync("_simulator/accounts", new { source, credential, seed = 23, size, ratePermits = 0 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<ServiceProcess> Start(string name, string project, Dictionary<string, string?> common, (string Key, string Value)[] extra)
        => _services.StartAsync(name, project, common, extra);

    /// <summary>Every service's recent output, for failure messages.</summary>
    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        SimulatorAdmin?.Dispose();
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
