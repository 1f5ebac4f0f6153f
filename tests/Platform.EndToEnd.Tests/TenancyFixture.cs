using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Contracts.Connectors;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Every service with an operator API (identity-resolution, aggregation, sync-orchestrator, campaigns, connector-csv)
/// and the gateway as real processes, with workspace B holding a client, a sync, a schedule, a campaign, an audience
/// and an import, and three stored keys: an operator and a viewer of workspace A, made through <c>/api/admin/keys</c>
/// with the configured (bootstrap) admin key.
/// </summary>
public sealed class TenancyFixture : IAsyncLifetime
{
    public static readonly string AdminKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    public string WorkspaceA { get; } = $"ten-a-{Guid.NewGuid():N}"[..14];
    public string WorkspaceB { get; } = $"ten-b-{Guid.NewGuid():N}"[..14];

    private static readonly string[] ApiServices = ["identity-resolution", "aggregation", "sync-orchestrator", "campaigns", "connector-csv"];
    private readonly ServiceGroup _services = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public BusProbe<ClientUpdated> ClientUpdates { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;
    public IReadOnlyDictionary<string, ServiceProcess> Services => _services.ToDictionary(s => s.Name);

    /// <summary>Keys made through the API: an operator of A and a viewer of A.</summary>
    public string OperatorOfA { get; private set; } = "";
    public string ViewerOfA { get; private set; } = "";

    /// <summary>Ids of resources in workspace B, by the route parameter they fill.</summary>
    public Dictionary<string, string> IdsOfB { get; } = [];

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("tenancy");
        VirtualHost = await TestVirtualHost.CreateAsync("tenancy");
        ClientUpdates = await BusProbe<ClientUpdated>.StartAsync<ClientsUpdated>(VirtualHost, m => m.Clients);
        var common = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
        };
        var identity = await Start("identity-resolution", "Platform.IdentityResolution", common);
        var aggregation = await Start("aggregation", "Platform.Aggregation", common);
        var campaigns = await Start("campaigns", "Platform.Campaigns", common);
        var csv = await Start("connector-csv", "Platform.Connectors.Csv", common);
        var orchestrator = await Start("sync-orchestrator", "Platform.SyncOrchestrator", common,
            ("SyncOrchestrator__Connectors__ploomes__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__stripe__Address", "http://127.0.0.1:1/"),
            ("SyncOrchestrator__Connectors__hotmart__Address", "http://127.0.0.1:1/"));
        Gateway = await Start("gateway", "Platform.Gateway", common,
        [
            ("Gateway__ApiKeys__0__Name", "bootstrap-admin"),
            ("Gateway__ApiKeys__0__Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey)))),
            .. Enumerable.Range(0, 12).Select(i => ($"Gateway__ReadyServices__{i}", i < ApiServices.Length ? ApiServices[i] : "")),
            .. new[] { identity, aggregation, campaigns, csv, orchestrator }.Select(s =>
                ($"ReverseProxy__Clusters__{s.Name}__Destinations__primary__Address", s.Address.ToString())),
        ]);

        using var admin = Client(AdminKey);
        OperatorOfA = await CreateKeyAsync(admin, "ops-of-a", "operator", [WorkspaceA]);
        ViewerOfA = await CreateKeyAsync(admin, "viewer-of-a", "viewer", [WorkspaceA]);
        await SeedWorkspaceBAsync(admin);
    }

    private async Task SeedWorkspaceBAsync(HttpClient admin)
    {
        foreach (var workspace in new[] { WorkspaceA, WorkspaceB })
        {
            await SendAsync(admin, HttpMethod.Put, $"/api/workspaces/{workspace}", new { name = workspace });
        }
        var b = WorkspaceB;
        IdsOfB["syncs"] = (await SendAsync(admin, HttpMethod.Post, "/api/syncs", new { workspaceId = b, source = "ploomes", mode = "full" }))
            .GetProperty("id").GetString()!;
        IdsOfB["schedules"] = (await SendAsync(admin, HttpMethod.Post, "/api/schedules", new { workspaceId = b, source = "ploomes" }))
            .GetProperty("id").GetString()!;
        IdsOfB["campaigns"] = (await SendAsync(admin, HttpMethod.Post, $"/api/campaigns?workspaceId={b}", new { name = "B only" }))
            .GetProperty("id").GetString()!;
        IdsOfB["audiences"] = (await SendAsync(admin, HttpMethod.Post, $"/api/audiences?workspaceId={b}",
            new { name = "B people", definition = new { } })).GetProperty("id").GetString()!;
        using (var csv = new StringContent("email,name\nbee@example.com,Bee\n", Encoding.UTF8, "text/csv"))
        using (var upload = await admin.PostAsync(new Uri($"/api/imports?workspaceId={b}&format=generic&fileName=b.csv", UriKind.Relative), csv))
        {
            var body = await upload.Content.ReadAsStringAsync();
            Assert.True(upload.IsSuccessStatusCode, $"import: {(int)upload.StatusCode} {body}");
            IdsOfB["imports"] = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }
        await ClientUpdates.Bus.Publish(new RawRecordStaged
        {
            WorkspaceId = b,
            CorrelationId = Guid.NewGuid(),
            Source = "ploomes",
            RawRecordId = Random.Shared.NextInt64(1, 1_000_000_000),
            StagedAt = DateTimeOffset.UtcNow,
            Record = new CanonicalRecord
            {
                Source = "ploomes",
                EntityType = EntityType.Contact,
                ExternalId = "b-1",
                SourceUpdatedAt = DateTimeOffset.UtcNow,
                Identifiers = [new Identifier("email", "only.b@example.com")],
                Person = new PersonFields { FullName = "Only B" },
            },
        });
        var client = await ClientUpdates.WaitForAsync(u => u.WorkspaceId == b, TimeSpan.FromSeconds(90));
        IdsOfB["clients"] = client.ClientId.ToString();
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string name, string role, string[] workspaces) =>
        (await SendAsync(admin, HttpMethod.Post, "/api/admin/keys", new { name, role, workspaces })).GetProperty("key").GetString()!;

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A client on the gateway with this key.</summary>
    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = Gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    private Task<ServiceProcess> Start(string name, string project, Dictionary<string, string?> common, params (string Key, string Value)[] extra)
        => _services.StartAsync(name, project, common, extra);

    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await ClientUpdates.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
