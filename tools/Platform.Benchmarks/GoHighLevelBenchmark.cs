using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// A GoHighLevel full sync of a large location (217,324 contacts by default) from the source simulator at HighLevel's
/// real limit (100 requests per 10 s): the connector is killed (SIGKILL) a third of the way through and restarted; the
/// run must finish from its checkpoint with every contact staged once. Prints the contacts counted, the 429s, and the
/// request rate as a share of the allowed rate while the connector was running.
/// </summary>
internal static class GoHighLevelBenchmark
{
    private const string Workspace = "bench-ghl";
    private const string Location = "BenchLocation0000001";
    private const string Token = "pit-bench-token";

    public static async Task<int> RunAsync(string[] args)
    {
        var contacts = StagingBenchmark.ArgValue(args, "--contacts", 217_324);
        // "--unify deferred" is how an operator runs a first import this size (stage now, "Unify all" after): no
        // RawRecordStaged per record leaves the connector while it reads.
        var unify = args.SkipWhile(a => a != "--unify").Skip(1).FirstOrDefault() is "deferred" ? UnifyMode.Deferred : UnifyMode.Now;
        var loadBefore = ProcessCpu.LoadAverage();
        await using var database = await TestDatabase.CreateAsync("benchghl");
        await using var vhost = await TestVirtualHost.CreateAsync("benchghl");
        await using var completed = await BusProbe<SyncCompleted>.StartAsync(vhost);
        await using var failed = await BusProbe<SyncFailed>.StartAsync(vhost);
        await using var progress = await BusProbe<SyncProgressed>.StartAsync(vhost);

        await using var simulator = await ServiceProcess.StartAsync("source-simulator", "Platform.SourceSimulator", new Dictionary<string, string?>
        {
            ["Logging__LogLevel__Default"] = "Warning",
        });
        using var admin = new HttpClient { BaseAddress = simulator.Address, Timeout = TimeSpan.FromMinutes(2) };
        using (var created = await admin.PostAsJsonAsync("_simulator/accounts",
            new { source = "gohighlevel", credential = $"{Location}:{Token}", seed = 42, size = contacts, warm = true }))
        {
            created.EnsureSuccessStatusCode();
        }

        var environment = new Dictionary<string, string?>(vhost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = database.ConnectionString,
            [$"Connectors__GoHighLevel__Workspaces__{Workspace}__LocationId"] = Location,
            [$"Connectors__GoHighLevel__Workspaces__{Workspace}__Token"] = Token,
            ["Connectors__GoHighLevel__Http__BaseAddress"] = simulator.Address.ToString(),
            ["Connector__Backfill__PollInterval"] = "00:00:00.500",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var pages = (contacts + 499) / 500;
        var connector = await ServiceProcess.StartAsync("connector-gohighlevel", "Platform.Connectors.GoHighLevel", environment);
        var run = NewId.NextGuid();
        var endpoint = await completed.Bus.GetSendEndpoint(ConnectorQueues.For("gohighlevel"));
        var phase1 = Stopwatch.StartNew();
        await endpoint.Send(new StartSync
        {
            WorkspaceId = Workspace, CorrelationId = run, SyncRunId = run, Source = "gohighlevel", Mode = SyncMode.Full, Streams = ["contacts"],
            Unify = unify,
        });
        await progress.WaitForAsync(m => m.SyncRunId == run && m.Pages >= Math.Max(1, pages / 3), TimeSpan.FromMinutes(30));
        var connectorCpu = ProcessCpu.Seconds(connector.ProcessId);
        await connector.DisposeAsync(); // SIGKILL: the page in flight is lost, the checkpoint is not
        phase1.Stop();
        var requestsAtKill = (await StatsAsync(admin)).GetProperty("requests").GetInt64();
        var stagedAtKill = await SchemaQuery.CountAsync(database, "connector-gohighlevel", "select count(*) from raw_records");

        var restart = Stopwatch.StartNew();
        await using var restarted = await ServiceProcess.StartAsync("connector-gohighlevel", "Platform.Connectors.GoHighLevel", environment);
        var restartSeconds = restart.Elapsed.TotalSeconds;
        var phase2 = Stopwatch.StartNew();
        var done = await Task.WhenAny(
            completed.WaitForAsync(m => m.SyncRunId == run, TimeSpan.FromMinutes(60)).ContinueWith(t => (object)t.Result, TaskScheduler.Default),
            failed.WaitForAsync(m => m.SyncRunId == run, TimeSpan.FromMinutes(60)).ContinueWith(t => (object)t.Result, TaskScheduler.Default));
        phase2.Stop();
        connectorCpu += ProcessCpu.Seconds(restarted.ProcessId);
        var simulatorCpu = ProcessCpu.Seconds(simulator.ProcessId);
        if ((await done) is SyncFailed failure)
        {
            Console.Error.WriteLine($"the sync failed: {failure.ErrorCode}: {failure.Reason}");
            return 1;
        }
        var stats = await StatsAsync(admin);
        var requests = stats.GetProperty("requests").GetInt64();
        var throttled = stats.GetProperty("throttled").GetInt64();
        var rows = await SchemaQuery.CountAsync(database, "connector-gohighlevel", "select count(*) from raw_records");
        var distinct = await SchemaQuery.CountAsync(database, "connector-gohighlevel", "select count(distinct external_id) from raw_records");
        var running = phase1.Elapsed.TotalSeconds + phase2.Elapsed.TotalSeconds;
        var allowed = 100 / 10.0;
        var rate = requests / running;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            gohighlevel benchmark ({Environment.ProcessorCount} cores): a location of {contacts:N0} contacts, limit 100 requests / 10 s, unify {unify.ToString().ToLowerInvariant()}
              contacts staged        : {rows:N0} rows, {distinct:N0} distinct contacts (expected {contacts:N0}: {(rows == contacts && distinct == contacts ? "every contact once" : "MISMATCH")})
              killed (SIGKILL) after : {phase1.Elapsed.TotalSeconds:F1} s, {stagedAtKill:N0} contacts staged, {requestsAtKill:N0} requests; restart took {restartSeconds:F1} s
              resumed and finished   : {phase2.Elapsed.TotalSeconds:F1} s more, {requests - requestsAtKill:N0} requests
              requests               : {requests:N0} in {running:F1} s of connector running time = {rate:F2}/s = {rate / allowed:P1} of the allowed 10/s
              429 answers            : {throttled}
              peak in any 10 s window: {stats.GetProperty("maxRequestsInAnyWindow").GetInt64()} (limit 100)
              CPU used               : connector {connectorCpu:F1} s, simulator {simulatorCpu:F1} s (of {running * Environment.ProcessorCount:F0} core-seconds); load average {loadBefore} before, {ProcessCpu.LoadAverage()} after
            """));
        return rows == contacts && distinct == contacts && throttled == 0 ? 0 : 1;
    }

    private static async Task<JsonElement> StatsAsync(HttpClient admin) =>
        await admin.GetFromJsonAsync<JsonElement>($"_simulator/stats?source=gohighlevel&credential={Token}");
}
