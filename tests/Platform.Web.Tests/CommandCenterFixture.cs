using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using Platform.Contracts.Connectors;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.Web.Tests;

[CollectionDefinition(Name)]
public sealed class CommandCenterGroup : ICollectionFixture<CommandCenterFixture>
{
    public const string Name = "command center";
}

/// <summary>
/// The Sync Command Center as an operator meets it: real processes (source simulator, connector-ploomes,
/// identity-resolution, aggregation, sync-orchestrator, the gateway serving the built web app) on their own database
/// and virtual host, and Debian's chromium driven by Playwright. Each scenario has a workspace (and simulator account)
/// of its own.
/// </summary>
public sealed class CommandCenterFixture : IAsyncLifetime
{
    public static readonly string ApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    public const string Operator = "web-operator";

    /// <summary>Ploomes workspaces and their simulator account sizes (contacts and deals each).</summary>
    public static readonly IReadOnlyDictionary<string, int> Workspaces = new Dictionary<string, int>
    {
        ["web-sync"] = 650,
        ["web-deferred"] = 40,
        ["web-people"] = 60,
        ["web-other"] = 20,
    };

    /// <summary>Records sent straight to identity resolution (no Ploomes account): the review queue's conflicts.</summary>
    public const string ReviewWorkspace = "web-review";

    /// <summary>Only the services this fixture runs must be ready (the rest of the gateway's list is blanked).</summary>
    private static readonly string[] ReadyServices =
        ["connector-ploomes", "connector-csv", "identity-resolution", "aggregation", "sync-orchestrator", "campaigns"];

    private readonly ServiceGroup _services = new();

    /// <summary>Every service process this fixture started, by name.</summary>
    public IReadOnlyList<ServiceProcess> Services => _services;

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public BusProbe<ClientUpdated> ClientUpdates { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;
    public HttpClient SimulatorAdmin { get; private set; } = null!;
    /// <summary>The API with the operator key, for setting up and checking what the browser did.</summary>
    public HttpClient Api { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string KeyOf(string workspace) => $"ploomes-key-{workspace}";

    /// <summary>Where screenshots go: <c>SCREENSHOTS_DIR</c> (the README's come from there), else the test output.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("SCREENSHOTS_DIR") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        EnsureWebAppBuilt();
        Database = await TestDatabase.CreateAsync("webcc");
        VirtualHost = await TestVirtualHost.CreateAsync("webcc");
        ClientUpdates = await BusProbe<ClientUpdated>.StartAsync<ClientsUpdated>(VirtualHost, m => m.Clients);
        var simulator = await Start("source-simulator", "Platform.SourceSimulator", [], []);
        SimulatorAdmin = new HttpClient { BaseAddress = simulator.Address, Timeout = TimeSpan.FromSeconds(60) };
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
        // The orchestrator's port is chosen first: the connector reads settings saved through the connections API from it.
        var orchestratorPort = ServiceProcess.FreePort();
        var ploomes = await Start("connector-ploomes", "Platform.Connectors.Ploomes", common,
        [
            ("Connector__Settings__OrchestratorAddress", $"http://127.0.0.1:{orchestratorPort}/"),
            ("Connectors__Ploomes__Http__BaseAddress", simulator.Address.ToString()),
            ("Connectors__Ploomes__Http__RatePermits", "0"),
            ("Connector__Backfill__PollInterval", "00:00:00.500"),
            .. Workspaces.Keys.SelectMany(w => new[]
            {
                ($"Connectors__Ploomes__Workspaces__{w}__UserKey", KeyOf(w)),
                ($"Connectors__Ploomes__Workspaces__{w}__ValidationKey", "unused"),
            }),
        ]);
        var csv = await Start("connector-csv", "Platform.Connectors.Csv", common, []);
        var identity = await Start("identity-resolution", "Platform.IdentityResolution", common, []);
        var aggregation = await Start("aggregation", "Platform.Aggregation", common, []);
        var orchestrator = await Start("sync-orchestrator", "Platform.SyncOrchestrator", common,
        [
            ("SyncOrchestrator__Connectors__ploomes__Address", ploomes.Address.ToString()),
            ("SyncOrchestrator__Connectors__csv__Address", csv.Address.ToString()),
            // Deployed by default but not started here: their tiles say unreachable.
            ("SyncOrchestrator__Connectors__stripe__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__hotmart__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__gohighlevel__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__paypal__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__manychat__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__sgt__Address", "http://127.0.0.1:1/"),
        ], orchestratorPort);
        var campaigns = await Start("campaigns", "Platform.Campaigns", common, []);
        Gateway = await Start("gateway", "Platform.Gateway", common,
        [
            ("Gateway__ApiKeys__0__Name", Operator),
            ("Gateway__ApiKeys__0__Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)))),
            ("Gateway__WebRoot", Path.Combine(TestEnvironment.RepoRoot, "web", "dist")),
            ("Gateway__Live__PollInterval", "00:00:00.250"),
            .. Enumerable.Range(0, 12).Select(i => ($"Gateway__ReadyServices__{i}", i < ReadyServices.Length ? ReadyServices[i] : "")),
            ("ReverseProxy__Clusters__connector-ploomes__Destinations__primary__Address", ploomes.Address.ToString()),
            ("ReverseProxy__Clusters__identity-resolution__Destinations__primary__Address", identity.Address.ToString()),
            ("ReverseProxy__Clusters__aggregation__Destinations__primary__Address", aggregation.Address.ToString()),
            ("ReverseProxy__Clusters__sync-orchestrator__Destinations__primary__Address", orchestrator.Address.ToString()),
            ("ReverseProxy__Clusters__connector-csv__Destinations__primary__Address", csv.Address.ToString()),
            ("ReverseProxy__Clusters__campaigns__Destinations__primary__Address", campaigns.Address.ToString()),
        ]);
        Api = new HttpClient { BaseAddress = Gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Api.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        // Two cores shared by many processes: give the page time, never a fixed sleep.
        Assertions.SetDefaultExpectTimeout(60_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            // This machine's network is closed: without these chromium keeps trying to reach Google's hosts.
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>Sends records straight to identity resolution, as a connector would after staging them.</summary>
    public async Task StageAsync(params RawRecordStaged[] records)
    {
        foreach (var record in records)
        {
            await ClientUpdates.Bus.Publish(record);
        }
    }

    private static long _rawRecordId = Random.Shared.NextInt64(1, 1_000_000_000);

    /// <summary>A record with identifiers written as <c>kind:value</c>.</summary>
    public static RawRecordStaged Record(string workspace, string source, string externalId, string name, params string[] identifiers) => new()
    {
        WorkspaceId = workspace,
        CorrelationId = Guid.NewGuid(),
        Source = source,
        RawRecordId = Interlocked.Increment(ref _rawRecordId),
        StagedAt = DateTimeOffset.UtcNow,
        Record = new CanonicalRecord
        {
            Source = source,
            EntityType = EntityType.Contact,
            ExternalId = externalId,
            SourceUpdatedAt = DateTimeOffset.UtcNow,
            Identifiers = identifiers.Select(i => new Identifier(i[..i.IndexOf(':', StringComparison.Ordinal)], i[(i.IndexOf(':', StringComparison.Ordinal) + 1)..])).ToList(),
            Person = new PersonFields { FullName = name },
        },
    };

    /// <summary>A browser page with the app open, its console errors collected.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "pt-BR",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // Chromium logs every 4xx answer as "Failed to load resource". Two are expected and handled by the app: 401
            // (GET /api/session before sign-in, a wrong key) and 404 (GET /api/workspaces before the connections API
            // exists, a client without sales). Anything else is a real error.
            if (message.Type == "error" && !(message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)
                && (message.Text.Contains("status of 401", StringComparison.Ordinal) || message.Text.Contains("status of 404", StringComparison.Ordinal))))
            {
                errors.Add($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(Gateway.Address.ToString());
        return (context, page, errors);
    }

    /// <summary>Signs in with the key and opens a workspace, as an operator does.</summary>
    public static async Task SignInAsync(IPage page, string workspace)
    {
        await page.GetByTestId("api-key").FillAsync(ApiKey);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByTestId("workspace").FillAsync(workspace);
        await page.GetByTestId("open-workspace").ClickAsync();
        await Assertions.Expect(page.GetByTestId("workspace-name")).ToHaveTextAsync(workspace);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    /// <summary>The tests run against web/dist; build it when it is missing (./platform test builds it first).</summary>
    private static void EnsureWebAppBuilt()
    {
        var web = Path.Combine(TestEnvironment.RepoRoot, "web");
        if (File.Exists(Path.Combine(web, "dist", "index.html")))
        {
            return;
        }
        foreach (var args in new[] { "ci --no-audit --no-fund", "run build" })
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", args) { WorkingDirectory = web, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEnd();
            npm.WaitForExit();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm {args} in web/ failed ({npm.ExitCode}): {output.Result}{error}");
            }
        }
    }

    private Task<ServiceProcess> Start(string name, string project, Dictionary<string, string?> common, (string Key, string Value)[] extra,
        int? port = null)
        => _services.StartAsync(name, project, common, extra, port);

    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        Playwright?.Dispose();
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
