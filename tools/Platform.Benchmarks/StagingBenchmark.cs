using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Staged records per second of a full Stripe backfill from the source simulator (rate limits off), measured
/// from StartSync to SyncCompleted, beside a plain binary COPY of the same rows on the same machine.
/// </summary>
internal static class StagingBenchmark
{
    private const string Workspace = "bench";
    private const string ApiKey = "sk_test_bench";
    private const string WarmWorkspace = "bench-warm";
    private const string WarmApiKey = "sk_test_bench_warm";

    public static async Task<int> RunAsync(string[] args)
    {
        var perStream = ArgValue(args, "--records-per-stream", 10_000);
        // --unify deferred: the backfill stages for a later "Unify all" (no relay publishing meanwhile).
        var deferred = args.SkipWhile(a => a != "--unify").Skip(1).FirstOrDefault() == "deferred";
        var warmPerStream = ArgValue(args, "--warm", 0);
        await using var database = await TestDatabase.CreateAsync("bench");
        await using var vhost = await TestVirtualHost.CreateAsync("bench");
        await using var completed = await BusProbe<SyncCompleted>.StartAsync(vhost);
        await using var failed = await BusProbe<SyncFailed>.StartAsync(vhost);

        await using var simulator = await ServiceProcess.StartAsync("source-simulator", "Platform.SourceSimulator", new Dictionary<string, string?>
        {
            ["Simulator__RateLimits__stripe__Permits"] = "0",
        });
        // warm: the simulator generates the vendor's data before answering, so the clock measures the backfill only (it
        // was generating the dataset on the first page request, inside the measured run: 16 % of the simulator's CPU).
        using (var http = new HttpClient { BaseAddress = simulator.Address, Timeout = TimeSpan.FromMinutes(10) })
        {
            using var created = await http.PostAsJsonAsync("_simulator/accounts",
                new { source = "stripe", credential = ApiKey, seed = 42, size = perStream, warm = true });
            created.EnsureSuccessStatusCode();
            if (warmPerStream > 0)
            {
                using var warm = await http.PostAsJsonAsync("_simulator/accounts",
                    new { source = "stripe", credential = WarmApiKey, seed = 7, size = warmPerStream, warm = true });
                warm.EnsureSuccessStatusCode();
            }
            await WarmVendorAsync(http, ApiKey);
        }

        var environment = new Dictionary<string, string?>(vhost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = database.ConnectionString,
            [$"Connectors__Stripe__Workspaces__{Workspace}__ApiKey"] = ApiKey,
            [$"Connectors__Stripe__Workspaces__{WarmWorkspace}__ApiKey"] = WarmApiKey,
            ["Connectors__Stripe__Http__BaseAddress"] = simulator.Address.ToString(),
            ["Connectors__Stripe__Http__RatePermits"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
            // Each stream's closing line says where the time went (waiting for pages, staging).
            ["Logging__LogLevel__Platform.Connectors.Backfill.BackfillRunner"] = "Information",
        };
        await using var connector = await ServiceProcess.StartAsync("connector-stripe", "Platform.Connectors.Stripe", environment);

        var endpoint = await completed.Bus.GetSendEndpoint(ConnectorQueues.For("stripe"));
        if (warmPerStream > 0)
        {
            // --warm N: a first full sync of another workspace (N records per stream) in the same connector process, not
            // timed: the measured sync then meets a process that has run a sync before, as a long-running connector does.
            var warmRun = NewId.NextGuid();
            await endpoint.Send(new StartSync { WorkspaceId = WarmWorkspace, CorrelationId = warmRun, SyncRunId = warmRun, Source = "stripe",
                Mode = SyncMode.Full, Unify = deferred ? UnifyMode.Deferred : UnifyMode.Now });
            await completed.WaitForAsync(m => m.SyncRunId == warmRun, TimeSpan.FromMinutes(10));
            // The relay publishes what the warm run staged after the run ends: the measured run starts once it has, or it
            // would share the cores with the warm run's publishing.
            await Eventually.HoldsAsync(async () => await SchemaQuery.CountAsync(database, "connector-stripe", "select count(*) from raw_record_outbox") == 0,
                "the relay published the warm run's rows", TimeSpan.FromMinutes(10));
            // And autovacuum's pass over the warm run's rows is done now, not inside the measured run (as it is long done
            // for a connector that synced before).
            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = "\"connector-stripe\"" };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using var vacuum = new NpgsqlCommand("vacuum (analyze) raw_records, raw_record_outbox, sync_checkpoints, sync_runs", connection);
            await vacuum.ExecuteNonQueryAsync();
        }
        var run = NewId.NextGuid();
        Console.Error.WriteLine($"the measured backfill starts (connector process {connector.ProcessId})");
        var postgresCpu = await ProcessCpu.PostgresAsync(database);
        var cpuBefore = (Connector: ProcessCpu.Seconds(connector.ProcessId), Simulator: ProcessCpu.Seconds(simulator.ProcessId),
            Postgres: postgresCpu(), Benchmark: ProcessCpu.Seconds(Environment.ProcessId));
        var runtimeBefore = await RuntimeMetrics.ReadAsync(connector.Address);
        var clock = Stopwatch.StartNew();
        await endpoint.Send(new StartSync { WorkspaceId = Workspace, CorrelationId = run, SyncRunId = run, Source = "stripe", Mode = SyncMode.Full,
            Unify = deferred ? UnifyMode.Deferred : UnifyMode.Now });
        var done = await Task.WhenAny(
            completed.WaitForAsync(m => m.SyncRunId == run, TimeSpan.FromMinutes(30)).ContinueWith(t => (object)t.Result, TaskScheduler.Default),
            failed.WaitForAsync(m => m.SyncRunId == run, TimeSpan.FromMinutes(30)).ContinueWith(t => (object)t.Result, TaskScheduler.Default));
        clock.Stop();
        var cpu = (Connector: ProcessCpu.Seconds(connector.ProcessId) - cpuBefore.Connector,
            Simulator: ProcessCpu.Seconds(simulator.ProcessId) - cpuBefore.Simulator, Postgres: postgresCpu() - cpuBefore.Postgres,
            Benchmark: ProcessCpu.Seconds(Environment.ProcessId) - cpuBefore.Benchmark);
        var runtime = await RuntimeMetrics.ReadAsync(connector.Address) - runtimeBefore;
        if ((await done) is SyncFailed failure)
        {
            Console.Error.WriteLine($"the backfill failed: {failure.ErrorCode}: {failure.Reason}");
            return 1;
        }
        var summary = (SyncCompleted)await done;
        var staged = summary.Streams.Sum(s => s.RecordsStaged);
        var pages = summary.Streams.Sum(s => s.Pages);
        var backfillRate = staged / clock.Elapsed.TotalSeconds;

        // The baseline three times (a fresh table each), its median taken: one COPY on a shared machine swings by 2x.
        var copies = new List<(long Rows, double Seconds)>();
        for (var i = 1; i <= 3; i++)
        {
            copies.Add(await PlainCopyAsync(database, $"copy_bench_{i}"));
        }
        var (copied, copySeconds) = copies.OrderBy(c => c.Seconds).ElementAt(1);
        var copyRate = copied / copySeconds;
        var copyRange = string.Join(", ", copies.Select(c => (c.Rows / c.Seconds).ToString("F0", CultureInfo.InvariantCulture)));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            staging benchmark ({Environment.ProcessorCount} cores, {perStream} records per stream, {summary.Streams.Count} streams, {pages} pages, unify {(deferred ? "deferred" : "now")})
              simulator backfill, rate limits off : {staged,9} records in {clock.Elapsed.TotalSeconds,7:F2} s = {backfillRate,10:F0} records/s
              plain binary COPY of the same rows  : {copied,9} rows    in {copySeconds,7:F2} s = {copyRate,10:F0} rows/s (median of 3: {copyRange})
              ratio backfill / COPY               : {backfillRate / copyRate:P1}
              CPU during the backfill (core-s)    : connector {cpu.Connector:F1} ({cpu.Connector * 1e6 / Math.Max(1, staged):F0} us a record), simulator {cpu.Simulator:F1}, PostgreSQL {cpu.Postgres:F1}, this benchmark {cpu.Benchmark:F1}, of {clock.Elapsed.TotalSeconds * Environment.ProcessorCount:F1}; load average {ProcessCpu.LoadAverage()}
              the connector's runtime meanwhile   : {runtime}
              where the connector's time went     :
            """));
        foreach (var line in connector.Output.Split(Environment.NewLine).Where(l => l.Contains("stager waiting for pages", StringComparison.Ordinal)
            && l.Contains(run.ToString(), StringComparison.Ordinal)))
        {
            using var entry = System.Text.Json.JsonDocument.Parse(line);
            Console.WriteLine("    " + entry.RootElement.GetProperty("Message").GetString());
        }
        return 0;
    }

    /// <summary>COPYs the staged rows (same columns, same values) into an empty copy of raw_records named <paramref name="table"/>.</summary>
    private static async Task<(long Rows, double Seconds)> PlainCopyAsync(TestDatabase database, string table)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = "\"connector-stripe\"" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var rows = new List<object?[]>();
        await using (var read = new NpgsqlCommand("""
            select workspace_id, stream, entity_type, external_id, source_updated_at, payload, payload_hash, canonical::text,
                   sync_run_id, correlation_id, received_at, unify from raw_records where workspace_id = $1
            """, connection) { Parameters = { new() { Value = Workspace } } })
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var values = new object?[12];
                reader.GetValues(values!);
                rows.Add(values);
            }
        }
        await using (var create = new NpgsqlCommand($"create table {table} (like raw_records including all)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        await using (var importer = await connection.BeginBinaryImportAsync($"""
            copy {table} (workspace_id, stream, entity_type, external_id, source_updated_at, payload, payload_hash, canonical,
                             sync_run_id, correlation_id, received_at, unify) from stdin (format binary)
            """))
        {
            foreach (var row in rows)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync((string)row[0]!, NpgsqlDbType.Text);
                await importer.WriteAsync((string)row[1]!, NpgsqlDbType.Text);
                await importer.WriteAsync((string)row[2]!, NpgsqlDbType.Text);
                await importer.WriteAsync((string)row[3]!, NpgsqlDbType.Text);
                await importer.WriteAsync((DateTime)row[4]!, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync((string)row[5]!, NpgsqlDbType.Text);
                await importer.WriteAsync((byte[])row[6]!, NpgsqlDbType.Bytea);
                await importer.WriteAsync((string)row[7]!, NpgsqlDbType.Jsonb);
                if (row[8] is Guid run)
                {
                    await importer.WriteAsync(run, NpgsqlDbType.Uuid);
                }
                else
                {
                    await importer.WriteNullAsync();
                }
                await importer.WriteAsync((Guid)row[9]!, NpgsqlDbType.Uuid);
                await importer.WriteAsync((DateTime)row[10]!, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync((string)row[11]!, NpgsqlDbType.Text);
            }
            await importer.CompleteAsync();
        }
        clock.Stop();
        return (rows.Count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Serves the newest page of each list a dozen times, with pauses (the runtime counts calls, and recompiles hot methods
    /// optimized, only once no new method has been compiled for a moment), before the clock: the vendor is warm, as
    /// Stripe's servers are. The simulator otherwise compiled its rendering and HTTP pipeline inside the measured run
    /// (perf: 38 % of its samples in its tiered-compilation thread). Only the simulator is warmed: the connector starts
    /// after this and meets the backfill cold.
    /// </summary>
    private static async Task WarmVendorAsync(HttpClient http, string apiKey)
    {
        for (var round = 0; round < 12; round++)
        {
            foreach (var stream in new[] { "customers", "charges", "payment_intents", "invoices", "subscriptions", "refunds", "disputes" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/{stream}?limit=100");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
            await Task.Delay(250);
        }
    }

    internal static int ArgValue(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
