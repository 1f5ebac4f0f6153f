using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Connectors;
using Platform.ServiceDefaults.Callers;
using Platform.Testing;

namespace Platform.Connectors.GoHighLevel.Tests;

/// <summary>
/// connector-gohighlevel in-process with no credentials of its own: a workspace connected through the sync orchestrator
/// (a real process on its own database and virtual host) as an installation of a Marketplace app, against the source
/// simulator (a real process) whose access tokens expire after a few calls, so refresh tokens rotate during a sync.
/// <see cref="RestartConnectorAsync"/> replaces the connector by a new instance, as a deploy or a crash would.
/// </summary>
public sealed class GhlOAuthFixture() : ConnectorHostFixture<Program>("gohighlevel")
{
    public const string Workspace = "agencia-oauth";
    public const string Location = "LocOAuth000000000001";
    public const string StaleWorkspace = "agencia-stale";
    public const string StaleLocation = "LocStale000000000001";

    /// <summary>Contacts of the location: three pages of 500.</summary>
    public const int Contacts = 1_200;

    /// <summary>Calls an access token is good for: a contacts sync (custom fields + 3 pages) needs two tokens.</summary>
    public const int AccessTokenUses = 2;

    private readonly ServiceGroup _processes = new();
    private TestDatabase _orchestratorDatabase = null!;
    private TestVirtualHost _orchestratorHost = null!;
    private ServiceFactory<Program>? _restarted;

    public ServiceProcess Simulator { get; private set; } = null!;
    public HttpClient Orchestrator { get; private set; } = null!;
    public BusProbe<SyncCompleted> Completed { get; private set; } = null!;
    public BusProbe<SyncFailed> Failed { get; private set; } = null!;

    /// <summary>The refresh token the workspace was connected with (the installation's first).</summary>
    public string FirstRefreshToken { get; private set; } = "";

    /// <summary>The connector now running (the first instance, or the one <see cref="RestartConnectorAsync"/> started).</summary>
    public ServiceFactory<Program> Connector => _restarted ?? Service;

    protected override async Task BeforeHostAsync()
    {
        try
        {
            await StartProcessesAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: the processes must not outlive it.
            await _processes.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync()
    {
        Simulator = await _processes.StartAsync("source-simulator", "Platform.SourceSimulator", new Dictionary<string, string?>(),
            [("Simulator__WarmUp", "false"), ("Logging__LogLevel__Default", "Warning")]);
        using var admin = new HttpClient { BaseAddress = Simulator.Address, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var location in new[] { Location, StaleLocation })
        {
            using var account = await admin.PostAsJsonAsync("_simulator/accounts",
                new { source = "gohighlevel", credential = $"{location}:pit-not-given-to-the-platform-{location}", seed = 11, size = Contacts, ratePermits = 0 });
            Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
        }
        var app = await InstallAsync(admin, Location);
        FirstRefreshToken = app.GetProperty("refreshToken").GetString()!;
        var stale = await InstallAsync(admin, StaleLocation);

        _orchestratorDatabase = await TestDatabase.CreateAsync("ghl-oauth-orch");
        _orchestratorHost = await TestVirtualHost.CreateAsync("ghl-oauth-orch");
        var common = new Dictionary<string, string?>(_orchestratorHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = _orchestratorDatabase.ConnectionString,
        };
        var orchestrator = await _processes.StartAsync("sync-orchestrator", "Platform.SyncOrchestrator", common,
            [("Logging__LogLevel__Default", "Warning")]);
        Orchestrator = TestCallers.DirectClient(orchestrator.Address, role: CallerRoles.Admin);
        await ConnectAsync(Workspace, Location, app, FirstRefreshToken);
        await ConnectAsync(StaleWorkspace, StaleLocation, stale, stale.GetProperty("refreshToken").GetString()!);
    }

    private static async Task<JsonElement> InstallAsync(HttpClient admin, string location)
    {
        using var installed = await admin.PostAsJsonAsync("_simulator/gohighlevel/installations",
            new { locationId = location, accessTokenUses = AccessTokenUses });
        Assert.True(installed.IsSuccessStatusCode, await installed.Content.ReadAsStringAsync());
        return await installed.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task ConnectAsync(string workspace, string location, JsonElement app, string refreshToken)
    {
        using (var created = await Orchestrator.PutAsJsonAsync($"api/workspaces/{workspace}", new { name = workspace }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }
        using var connected = await Orchestrator.PutAsJsonAsync($"api/workspaces/{workspace}/sources/gohighlevel", new
        {
            clientId = app.GetProperty("clientId").GetString(),
            clientSecret = app.GetProperty("clientSecret").GetString(),
            refreshToken,
            locationIds = location,
        });
        Assert.True(connected.IsSuccessStatusCode, await connected.Content.ReadAsStringAsync());
    }

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        // No Connectors:GoHighLevel:Workspaces at all: the workspaces come from the orchestrator.
        ["Connectors:GoHighLevel:Http:BaseAddress"] = Simulator.Address.ToString(),
        ["Connectors:GoHighLevel:Http:RetryBaseDelay"] = "00:00:00.050",
        ["Connectors:GoHighLevel:Http:RetryMaxDelay"] = "00:00:00.500",
        ["Connector:Settings:OrchestratorAddress"] = Orchestrator.BaseAddress!.ToString(),
        ["Connector:Backfill:PollInterval"] = "00:00:00.200",
        ["Connector:Relay:PollInterval"] = "00:00:00.200",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Completed = await BusProbe<SyncCompleted>.StartAsync(VirtualHost);
        Failed = await BusProbe<SyncFailed>.StartAsync(VirtualHost);
    }

    /// <summary>Stops the running connector and starts a new instance on the same database and queues (it reads its settings anew).</summary>
    public async Task RestartConnectorAsync()
    {
        await Connector.DisposeAsync();
        _restarted = new ServiceFactory<Program>(Database, VirtualHost, Settings());
        _ = _restarted.Server;
    }

    /// <summary>The installation as the simulator (HighLevel) sees it: its live refresh token and how often it rotated.</summary>
    public async Task<(string RefreshToken, int Rotations, int Refused)> InstallationAsync(string location)
    {
        using var admin = new HttpClient { BaseAddress = Simulator.Address, Timeout = TimeSpan.FromSeconds(30) };
        var installation = await admin.GetFromJsonAsync<JsonElement>($"_simulator/gohighlevel/installations/{location}");
        return (installation.GetProperty("refreshToken").GetString()!, installation.GetProperty("rotations").GetInt32(),
            installation.GetProperty("refusedRefreshTokens").GetInt32());
    }

    /// <summary>The workspace's settings as the orchestrator stores them (what every connector instance loads at start).</summary>
    public async Task<string?> StoredRefreshTokenAsync(string workspace)
    {
        using var service = TestCallers.DirectClient(Orchestrator.BaseAddress!, role: CallerRoles.Service);
        var document = await service.GetFromJsonAsync<JsonElement>("internal/sources/gohighlevel/settings");
        return document.GetProperty("workspaces").TryGetProperty(workspace, out var settings) && settings.TryGetProperty("RefreshToken", out var token)
            ? token.GetString()
            : null;
    }

    public string Logs() => _processes.Logs();

    public override async Task DisposeAsync()
    {
        if (Completed is not null)
        {
            await Completed.DisposeAsync();
        }
        if (Failed is not null)
        {
            await Failed.DisposeAsync();
        }
        if (_restarted is not null)
        {
            await _restarted.DisposeAsync();
        }
        await base.DisposeAsync();
        Orchestrator?.Dispose();
        await _processes.DisposeAsync();
        if (_orchestratorHost is not null)
        {
            await _orchestratorHost.DisposeAsync();
        }
        if (_orchestratorDatabase is not null)
        {
            await _orchestratorDatabase.DisposeAsync();
        }
    }
}
