using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Contracts.Privacy;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// LGPD end to end as real processes on their own database and virtual host: the source simulator with Stripe, Hotmart
/// and Ploomes accounts of one seed (so the same people appear in all three), the three connectors, identity-resolution,
/// aggregation, campaigns and the gateway in front, plus a test subscriber on <see cref="ClientErased"/>.
/// </summary>
public sealed class PrivacyFixture : IAsyncLifetime
{
    public const string Workspace = "lgpd-e2e";
    public static readonly string AdminKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    public static readonly string[] Sources = ["stripe", "hotmart", "ploomes"];
    private const string StripeKey = "sk_test_lgpd", HotmartClient = "lgpd-hm", HotmartSecret = "lgpd-hm-secret", PloomesKey = "lgpd-ploomes";
    private const int Size = 80;
    /// <summary>Nine processes start one after another on a shared machine: each gets longer than the usual 90 s.</summary>
    private static readonly TimeSpan Ready = TimeSpan.FromMinutes(4);

    private readonly ServiceGroup _services = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public BusProbe<SyncCompleted> Completed { get; private set; } = null!;
    public BusProbe<SyncFailed> Failed { get; private set; } = null!;
    public BusProbe<ClientErased> Erased { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("lgpd");
        VirtualHost = await TestVirtualHost.CreateAsync("lgpd");
        Completed = await BusProbe<SyncCompleted>.StartAsync(VirtualHost);
        Failed = await BusProbe<SyncFailed>.StartAsync(VirtualHost);
        Erased = await BusProbe<ClientErased>.StartAsync(VirtualHost);
        var simulator = await _services.StartAsync("source-simulator", "Platform.SourceSimulator", new Dictionary<string, string?>(),
            [("Simulator__WarmUp", "false")], readyTimeout: Ready);
        using (var admin = new HttpClient { BaseAddress = simulator.Address, Timeout = TimeSpan.FromSeconds(60) })
        {
            foreach (var (source, credential) in new[] { ("stripe", StripeKey), ("hotmart", $"{HotmartClient}:{HotmartSecret}"), ("ploomes", PloomesKey) })
            {
                using var account = await admin.PostAsJsonAsync("_simulator/accounts", new { source, credential, seed = 7, size = Size, ratePermits = 0 });
                Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
            }
        }
        var common = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
            ["Connector__Backfill__PollInterval"] = "00:00:00.500",
        };
        var at = simulator.Address.ToString();
        var stripe = await _services.StartAsync("connector-stripe", "Platform.Connectors.Stripe", common,
        [
            ("Connectors__Stripe__Http__BaseAddress", at), ("Connectors__Stripe__Http__RatePermits", "0"),
            ($"Connectors__Stripe__Workspaces__{Workspace}__ApiKey", StripeKey),
        ], readyTimeout: Ready);
        var hotmart = await _services.StartAsync("connector-hotmart", "Platform.Connectors.Hotmart", common,
        [
            ("Connectors__Hotmart__Http__BaseAddress", at), ("Connectors__Hotmart__AuthAddress", at), ("Connectors__Hotmart__Http__RatePermits", "0"),
            ("Connectors__Hotmart__EarliestDate", DateTimeOffset.UtcNow.AddDays(-800).ToString("O")), ("Connectors__Hotmart__WindowDays", "120"),
            ($"Connectors__Hotmart__Workspaces__{Workspace}__ClientId", HotmartClient),
            ($"Connectors__Hotmart__Workspaces__{Workspace}__ClientSecret", HotmartSecret),
            ($"Connectors__Hotmart__Workspaces__{Workspace}__Hottok", "unused"),
        ], readyTimeout: Ready);
        var ploomes = await _services.StartAsync("connector-ploomes", "Platform.Connectors.Ploomes", common,
        [
            ("Connectors__Ploomes__Http__BaseAddress", at), ("Connectors__Ploomes__Http__RatePermits", "0"),
            ($"Connectors__Ploomes__Workspaces__{Workspace}__UserKey", PloomesKey),
            ($"Connectors__Ploomes__Workspaces__{Workspace}__ValidationKey", "unused"),
        ], readyTimeout: Ready);
        var identity = await _services.StartAsync("identity-resolution", "Platform.IdentityResolution", common, [], readyTimeout: Ready);
        var aggregation = await _services.StartAsync("aggregation", "Platform.Aggregation", common, [], readyTimeout: Ready);
        var campaigns = await _services.StartAsync("campaigns", "Platform.Campaigns", common, [], readyTimeout: Ready);
        ServiceProcess[] behind = [stripe, hotmart, ploomes, identity, aggregation, campaigns];
        var gateway = await _services.StartAsync("gateway", "Platform.Gateway", common,
        [
            ("Gateway__ApiKeys__0__Name", "lgpd-admin"),
            ("Gateway__ApiKeys__0__Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey)))),
            .. Enumerable.Range(0, 14).Select(i => ($"Gateway__ReadyServices__{i}", i < behind.Length ? behind[i].Name : "")),
            .. behind.Select(s => ($"ReverseProxy__Clusters__{s.Name}__Destinations__primary__Address", s.Address.ToString())),
        ], readyTimeout: Ready);
        Api = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(90) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        Api.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        foreach (var source in Sources)
        {
            await SyncAsync(source, TimeSpan.FromMinutes(4));
        }
    }

    /// <summary>A full sync of one source, sent as the orchestrator sends it; fails the test if the run fails.</summary>
    public async Task SyncAsync(string source, TimeSpan timeout)
    {
        var run = Guid.NewGuid();
        var completed = Completed.WaitForAsync(m => m.SyncRunId == run, timeout);
        var failed = Failed.WaitForAsync(m => m.SyncRunId == run, timeout);
        var endpoint = await Completed.Bus.GetSendEndpoint(ConnectorQueues.For(source));
        await endpoint.Send(new StartSync { WorkspaceId = Workspace, CorrelationId = run, SyncRunId = run, Source = source, Mode = SyncMode.Full });
        if (await Task.WhenAny(completed, failed) == failed && failed.IsCompletedSuccessfully)
        {
            Assert.Fail($"{source} run failed: {failed.Result.ErrorCode}: {failed.Result.Reason}");
        }
        await completed;
    }

    /// <summary>Runs one query in a service's schema, giving every row's columns.</summary>
    public async Task<List<object?[]>> QueryAsync(string schema, string sql, params (string Name, object Value)[] parameters)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { SearchPath = $"\"{schema}\"" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    public Task<long> CountAsync(string schema, string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, schema, sql, parameters);

    /// <summary>A full <c>pg_dump</c> (schema and data of every service's schema) of the test database, as text.</summary>
    public async Task<string> DumpAsync()
    {
        var connection = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var start = new ProcessStartInfo("pg_dump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-h", connection.Host!, "-p", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", connection.Username!, "-d", Database.Name },
        };
        start.Environment["PGPASSWORD"] = connection.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await errors}");
        return await output;
    }

    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        await _services.DisposeAsync();
        foreach (var probe in new IAsyncDisposable?[] { Completed, Failed, Erased })
        {
            if (probe is not null)
            {
                await probe.DisposeAsync();
            }
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
