using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The CS module end to end as real processes on their own database and virtual host: the source simulator (SGT and
/// Hotmart), connector-sgt, connector-hotmart, identity-resolution and aggregation. Each test has its own workspaces
/// and simulator accounts; the connectors know every workspace the tests use.
/// </summary>
public sealed class SgtCustomerSuccessFixture : IAsyncLifetime
{
    /// <summary>Workspace → (SGT company, leads). Blue and Tokeniza at the sizes of issue 12.</summary>
    public static readonly IReadOnlyDictionary<string, (string Company, int Size)> SgtWorkspaces = new Dictionary<string, (string, int)>
    {
        ["cs-blue"] = ("blue", 1_356),
        ["cs-tokeniza"] = ("tokeniza", 499),
        ["cs-change"] = ("tokeniza", 300),
        ["cs-both"] = ("blue", 300),
    };

    public const string HotmartWorkspace = "cs-both";
    private const string HotmartClient = "cs-hotmart-client", HotmartSecret = "cs-hotmart-secret";

    private readonly ServiceGroup _services = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public BusProbe<SyncCompleted> Completed { get; private set; } = null!;
    public BusProbe<SyncFailed> Failed { get; private set; } = null!;
    public ServiceProcess Simulator { get; private set; } = null!;
    public HttpClient SimulatorApi { get; private set; } = null!;
    public HttpClient Aggregation { get; private set; } = null!;

    public static string TokenOf(string workspace) => $"sgt-token-{workspace}";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("sgtcs");
        VirtualHost = await TestVirtualHost.CreateAsync("sgtcs");
        Completed = await BusProbe<SyncCompleted>.StartAsync(VirtualHost);
        Failed = await BusProbe<SyncFailed>.StartAsync(VirtualHost);
        Simulator = await Start("source-simulator", "Platform.SourceSimulator", [], [("Simulator__WarmUp", "false")]);
        SimulatorApi = new HttpClient { BaseAddress = Simulator.Address, Timeout = TimeSpan.FromSeconds(60) };
        foreach (var (workspace, (company, size)) in SgtWorkspaces)
        {
            using var account = await SimulatorApi.PostAsJsonAsync("_simulator/accounts",
                new { source = "sgt", credential = TokenOf(workspace), company, seed = 42, size });
            Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
        }
        using (var hotmart = await SimulatorApi.PostAsJsonAsync("_simulator/accounts",
            new { source = "hotmart", credential = $"{HotmartClient}:{HotmartSecret}", seed = 42, size = 500, ratePermits = 0 }))
        {
            Assert.True(hotmart.IsSuccessStatusCode, await hotmart.Content.ReadAsStringAsync());
        }

        var common = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
        };
        await Start("connector-sgt", "Platform.Connectors.Sgt", common,
        [
            ("Connectors__Sgt__Http__BaseAddress", Simulator.Address.ToString()),
            ("Connector__Backfill__PollInterval", "00:00:00.500"),
            .. SgtWorkspaces.SelectMany(w => new[]
            {
                ($"Connectors__Sgt__Workspaces__{w.Key}__Token", TokenOf(w.Key)),
                ($"Connectors__Sgt__Workspaces__{w.Key}__Empresa", w.Value.Company),
            }),
        ]);
        await Start("connector-hotmart", "Platform.Connectors.Hotmart", common,
        [
            ("Connectors__Hotmart__Http__BaseAddress", Simulator.Address.ToString()),
            ("Connectors__Hotmart__AuthAddress", Simulator.Address.ToString()),
            ("Connectors__Hotmart__Http__RatePermits", "0"),
            ("Connectors__Hotmart__EarliestDate", DateTimeOffset.UtcNow.AddDays(-800).ToString("O")),
            ("Connectors__Hotmart__WindowDays", "120"),
            ("Connector__Backfill__PollInterval", "00:00:00.500"),
            ($"Connectors__Hotmart__Workspaces__{HotmartWorkspace}__ClientId", HotmartClient),
            ($"Connectors__Hotmart__Workspaces__{HotmartWorkspace}__ClientSecret", HotmartSecret),
            ($"Connectors__Hotmart__Workspaces__{HotmartWorkspace}__Hottok", "unused"),
        ]);
        await Start("identity-resolution", "Platform.IdentityResolution", common, []);
        var aggregation = await Start("aggregation", "Platform.Aggregation", common, []);
        Aggregation = TestCallers.DirectClient(aggregation.Address);
        Aggregation.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    private Task<ServiceProcess> Start(string name, string project, Dictionary<string, string?> common, (string Key, string Value)[] extra)
        => _services.StartAsync(name, project, common, extra);

    /// <summary>Sends StartSync to the connector (as the orchestrator does) and waits for the run's outcome.</summary>
    public async Task<SyncCompleted> SyncAsync(string source, string workspace, SyncMode mode, TimeSpan timeout)
    {
        var run = Guid.NewGuid();
        var completed = Completed.WaitForAsync(m => m.SyncRunId == run, timeout);
        var failed = Failed.WaitForAsync(m => m.SyncRunId == run, timeout);
        var endpoint = await Completed.Bus.GetSendEndpoint(ConnectorQueues.For(source));
        await endpoint.Send(new StartSync { WorkspaceId = workspace, CorrelationId = run, SyncRunId = run, Source = source, Mode = mode });
        if (await Task.WhenAny(completed, failed) == failed && failed.IsCompletedSuccessfully)
        {
            Assert.Fail($"{source} run for {workspace} failed: {failed.Result.ErrorCode}: {failed.Result.Reason}");
        }
        return await completed;
    }

    /// <summary>Every lead of a workspace's SGT account, read straight from the simulator (not through the connector).</summary>
    public async Task<List<JsonElement>> LeadsAsync(string workspace)
    {
        var (company, _) = SgtWorkspaces[workspace];
        var leads = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/leads?empresa={company}&page={page}&per_page=200");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(workspace));
            // The simulator holds SGT to 10 requests/s: wait out a 429 as the connector does.
            using var response = await SimulatorApi.SendAsync(request);
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                page--;
                continue;
            }
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var data = body.GetProperty("data").EnumerateArray().Select(l => l.Clone()).ToList();
            leads.AddRange(data);
            if (data.Count == 0 || page >= body.GetProperty("total_pages").GetInt32())
            {
                return leads;
            }
        }
    }

    /// <summary>Every cs_customers row of a workspace through aggregation's API.</summary>
    public async Task<List<JsonElement>> CsCustomersAsync(string workspace, string query = "")
    {
        var rows = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var body = await Aggregation.GetFromJsonAsync<JsonElement>($"api/cs-customers?workspaceId={workspace}&page={page}&pageSize=200{query}");
            var items = body.GetProperty("items").EnumerateArray().Select(i => i.Clone()).ToList();
            rows.AddRange(items);
            if (rows.Count >= body.GetProperty("total").GetInt32() || items.Count == 0)
            {
                return rows;
            }
        }
    }

    /// <summary>Polls until <paramref name="done"/> holds for the workspace's CS rows (records travel through two services first).</summary>
    public async Task<List<JsonElement>> CsCustomersWhenAsync(string workspace, Func<List<JsonElement>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await CsCustomersAsync(workspace);
            if (done(rows))
            {
                return rows;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"cs_customers of {workspace} did not settle in {timeout}: {rows.Count} rows.{Environment.NewLine}{Logs()}");
            }
            await Task.Delay(500);
        }
    }

    public Task<long> CountAsync(string schema, string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, schema, sql, parameters);

    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        Aggregation?.Dispose();
        SimulatorApi?.Dispose();
        await _services.DisposeAsync();
        if (Completed is not null)
        {
            await Completed.DisposeAsync();
        }
        if (Failed is not null)
        {
            await Failed.DisposeAsync();
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
