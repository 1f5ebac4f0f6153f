using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// A full Hotmart sync of the simulator's demo account (500 sales over two years) through connector-hotmart with
/// the default limits on both sides (connector 8 requests/s, simulator 10/s): wall time from StartSync to
/// SyncCompleted and the calls the simulator answered.
/// </summary>
internal static class HotmartSyncBenchmark
{
    private const string Workspace = "bench";
    private const string ClientId = "hotmart-demo-client";
    private const string ClientSecret = "hotmart-demo-secret";

    public static async Task<int> RunAsync()
    {
        await using var database = await TestDatabase.CreateAsync("hotmartbench");
        await using var vhost = await TestVirtualHost.CreateAsync("hotmartbench");
        await using var completed = await BusProbe<SyncCompleted>.StartAsync(vhost);
        await using var failed = await BusProbe<SyncFailed>.StartAsync(vhost);
        await using var simulator = await ServiceProcess.StartAsync("source-simulator", "Platform.SourceSimulator", new Dictionary<string, string?>());

        var environment = new Dictionary<string, string?>(vhost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = database.ConnectionString,
            [$"Connectors__Hotmart__Workspaces__{Workspace}__ClientId"] = ClientId,
            [$"Connectors__Hotmart__Workspaces__{Workspace}__ClientSecret"] = ClientSecret,
            ["Connectors__Hotmart__Http__BaseAddress"] = simulator.Address.ToString(),
            ["Connectors__Hotmart__AuthAddress"] = simulator.Address.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var connector = await ServiceProcess.StartAsync("connector-hotmart", "Platform.Connectors.Hotmart", environment);

        var run = NewId.NextGuid();
        var endpoint = await completed.Bus.GetSendEndpoint(ConnectorQueues.For("hotmart"));
        var clock = Stopwatch.StartNew();
        await endpoint.Send(new StartSync { WorkspaceId = Workspace, CorrelationId = run, SyncRunId = run, Source = "hotmart", Mode = SyncMode.Full });
        var done = await Task.WhenAny(
            completed.WaitForAsync(m => m.SyncRunId == run, TimeSpan.FromMinutes(15)).ContinueWith(t => (object)t.Result, TaskScheduler.Default),
            failed.WaitForAsync(m => m.SyncRunId == run, TimeSpan.FromMinutes(15)).ContinueWith(t => (object)t.Result, TaskScheduler.Default));
        clock.Stop();
        if ((await done) is SyncFailed failure)
        {
            Console.Error.WriteLine($"the sync failed: {failure.ErrorCode}: {failure.Reason}");
            return 1;
        }
        var summary = (SyncCompleted)await done;
        using var http = new HttpClient { BaseAddress = simulator.Address };
        var stats = await http.GetStringAsync($"_simulator/stats?source=hotmart&credential={Uri.EscapeDataString(ClientId)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            hotmart sync benchmark (demo account, default limits)
              full sync : {summary.Streams.Sum(s => s.RecordsStaged)} sales staged, {summary.Streams.Sum(s => s.Pages)} pages, in {clock.Elapsed.TotalSeconds:F1} s
              simulator traffic for {ClientId}: {stats}
            """));
        return 0;
    }
}
