using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The source simulator as a real process, a database and a virtual host, and subscribers on the sync events;
/// each test starts the connector processes it needs, pointed at the simulator.
/// </summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceProcess Simulator { get; private set; } = null!;
    public BusProbe<SyncCompleted> Completed { get; private set; } = null!;
    public BusProbe<SyncFailed> Failed { get; private set; } = null!;
    public BusProbe<SyncProgressed> Progress { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("sim");
        VirtualHost = await TestVirtualHost.CreateAsync("sim");
        Completed = await BusProbe<SyncCompleted>.StartAsync(VirtualHost);
        Failed = await BusProbe<SyncFailed>.StartAsync(VirtualHost);
        Progress = await BusProbe<SyncProgressed>.StartAsync(VirtualHost);
        // Each test creates its own account (its own data, rate limit and stats) beside the demo ones.
        Simulator = await ServiceProcess.StartAsync("source-simulator", "Platform.SourceSimulator", new Dictionary<string, string?>());
        Admin = new HttpClient { BaseAddress = Simulator.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Creates a simulator account (a vendor account with its own data, rate limit and stats).</summary>
    public async Task AccountAsync(string source, string credential, int size, int? ratePermits = null)
    {
        using var response = await Admin.PostAsJsonAsync("_simulator/accounts", new { source, credential, seed = 7, size, ratePermits });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> StatsAsync(string source, string credential) =>
        await Admin.GetFromJsonAsync<JsonElement>($"_simulator/stats?source={source}&credential={Uri.EscapeDataString(credential)}");

    /// <summary>Starts <c>connector-{source}</c> on this fixture's database and broker, pointed at the simulator.</summary>
    public Task<ServiceProcess> ConnectorAsync(string source, string project, params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
            [$"Connectors__{source}__Http__BaseAddress"] = Simulator.Address.ToString(),
            ["Connector__Backfill__PollInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }
        return ServiceProcess.StartAsync($"connector-{source}", project, environment);
    }

    public async Task StartSyncAsync(string source, Guid run, string workspace, params string[] streams)
    {
        var endpoint = await Completed.Bus.GetSendEndpoint(ConnectorQueues.For(source));
        await endpoint.Send(new StartSync
        {
            WorkspaceId = workspace, CorrelationId = run, SyncRunId = run, Source = source, Mode = SyncMode.Full, Streams = streams,
        });
    }

    /// <summary>Waits for the run's outcome; a failure fails the test with its reason.</summary>
    public async Task<SyncCompleted> CompletedAsync(Guid run, TimeSpan timeout)
    {
        var completed = Completed.WaitForAsync(m => m.SyncRunId == run, timeout);
        var failed = Failed.WaitForAsync(m => m.SyncRunId == run, timeout);
        var first = await Task.WhenAny(completed, failed);
        if (first == failed && failed.IsCompletedSuccessfully)
        {
            Assert.Fail($"run {run} failed: {failed.Result.ErrorCode}: {failed.Result.Reason}");
        }
        return await completed;
    }

    public Task<long> CountAsync(string schema, string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, schema, sql, parameters);

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Simulator.DisposeAsync();
        await Completed.DisposeAsync();
        await Failed.DisposeAsync();
        await Progress.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
