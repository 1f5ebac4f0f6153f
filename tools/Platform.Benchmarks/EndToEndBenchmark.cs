using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Platform.Connectors.Staging;
using Platform.Connectors.Stripe.Mapping;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Staged records to <c>customer_sales</c> and <c>ClientUpdated</c>, end to end, with the real connector-stripe,
/// identity-resolution and aggregation processes on one database and virtual host. A generated Stripe account
/// (<see cref="EndToEndWorkload"/>) is split in two: the first half is staged deferred into the connector's
/// raw_records by the SDK's own <see cref="StagingStore"/> (what a "stage now, unify later" backfill writes; the
/// rows go through connector-stripe's mapping), the second half is sent as signed webhooks while that backlog is
/// released by <see cref="ReleaseStagedRecords"/> ("Unify all"). The clock runs from the release to the moment
/// identity resolution holds every record, aggregation holds a sale for every linked charge, and aggregation has
/// consumed the newest <c>ClientUpdated</c> of every active client. Beside it: a plain binary COPY of the same staged
/// rows, each service's peak memory, where the CPU went (services and their database sessions), the messages the
/// broker carried, and the database size.
/// </summary>
internal static class EndToEndBenchmark
{
    private const string Workspace = "bench-e2e";
    private const string Secret = "whsec_bench_e2e";
    private static readonly string[] Services = ["connector-stripe", "identity-resolution", "aggregation"];

    public static async Task<int> RunAsync(string[] args)
    {
        var contacts = StagingBenchmark.ArgValue(args, "--contacts", 10_000);
        var sales = StagingBenchmark.ArgValue(args, "--sales", 10_000);
        var seed = StagingBenchmark.ArgValue(args, "--seed", 42);
        var senders = StagingBenchmark.ArgValue(args, "--webhook-senders", 4);
        // Profiling knobs: the share staged deferred (the rest arrives as webhooks), and any service setting
        // (--set identity-resolution:IdentityResolution:MaxBatchSize=1000).
        var deferredPercent = StagingBenchmark.ArgValue(args, "--deferred-percent", 50);
        var settings = args.Select((a, i) => (a, i)).Where(x => x.a == "--set" && x.i + 1 < args.Length)
            .Select(x => args[x.i + 1].Split(':', 2)).ToList();
        var workload = new EndToEndWorkload(contacts, sales, seed);
        var total = contacts + sales;
        var half = (int)((long)total * deferredPercent / 100);
        var loadBefore = ProcessCpu.LoadAverage();

        await using var database = await TestDatabase.CreateAsync("benche2e");
        await using var vhost = await TestVirtualHost.CreateAsync("benche2e");
        var processes = new Dictionary<string, ServiceProcess>();
        var stopped = false;
        try
        {
            foreach (var (name, project) in new[]
            {
                ("connector-stripe", "Platform.Connectors.Stripe"),
                ("identity-resolution", "Platform.IdentityResolution"),
                ("aggregation", "Platform.Aggregation"),
            })
            {
                var environment = new Dictionary<string, string?>(vhost.Settings().Select(s =>
                    new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
                {
                    // The application name attributes each database session's CPU to its service.
                    ["ConnectionStrings__Platform"] = database.ConnectionString + $";Application Name=bench-{name}",
                    [$"Connectors__Stripe__Workspaces__{Workspace}__WebhookSecret"] = Secret,
                    ["Logging__LogLevel__Default"] = "Warning",
                };
                foreach (var setting in settings.Where(s => s[0] == name))
                {
                    var pair = setting[1].Split('=', 2);
                    environment[pair[0].Replace(":", "__", StringComparison.Ordinal)] = pair[1];
                    Console.WriteLine($"  {name}: {pair[0]} = {pair[1]}");
                }
                processes[name] = await ServiceProcess.StartAsync(name, project, environment, TimeSpan.FromMinutes(3));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"e2e benchmark ({Environment.ProcessorCount} cores): {contacts:N0} contacts + {sales:N0} sales (Stripe customers and charges, seed {seed}); load average {loadBefore}"));
            var stagingClock = Stopwatch.StartNew();
            var backfill = NewId.NextGuid();
            var deferred = await StageDeferredAsync(database, workload, half, backfill);
            stagingClock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  staged deferred (StagingStore, connector-stripe's mapping): {deferred:N0} rows in {stagingClock.Elapsed.TotalSeconds:F1} s; sending {total - half:N0} as webhooks while 'Unify all' runs"));

            using var sampler = new Sampler(database, processes, vhost);
            var sampling = sampler.RunAsync();

            var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, vhost.Name, h =>
            {
                h.Username(TestEnvironment.RabbitUser);
                h.Password(TestEnvironment.RabbitPassword);
            }));
            await bus.StartAsync();
            var writesBefore = await WriteVolume.ReadAsync(database, Services);
            var clock = Stopwatch.StartNew();
            var release = await bus.GetSendEndpoint(ConnectorQueues.For("stripe"));
            await release.Send(new ReleaseStagedRecords { WorkspaceId = Workspace, CorrelationId = NewId.NextGuid() });
            var webhooks = SendWebhooksAsync(processes["connector-stripe"].Address, workload, half, senders);

            double? identityDone = null;
            double? deferredDone = null;
            double webhooksDone = 0;
            Progress last = default;
            var sinceExact = Stopwatch.StartNew();
            var exactCost = TimeSpan.Zero;
            while (true)
            {
                await Task.Delay(2000);
                // Exact counts scan identity's records (685 ms at 1,800,000 records: run every two seconds they took a third
                // of a core from the services, more as the run went on). Between them, PostgreSQL's own insert counter
                // tells the progress; the exact counts run when it says the run may be done, or after 20 times their own
                // cost (at most 5 % of a core). The full check (sales and announcements, a scan of both services' tables)
                // only once identity is done.
                var estimate = await ScalarAsync(database, """
                    select coalesce(sum(n_tup_ins - n_tup_del), 0) from pg_stat_user_tables
                    where schemaname = 'identity-resolution' and relname = 'records'
                    """);
                if (estimate < total && identityDone is null && sinceExact.Elapsed < exactCost * 20)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {clock.Elapsed.TotalSeconds,6:F0} s  resolved ~{estimate,8:N0}/{total:N0}  (PostgreSQL's insert counter)"));
                    continue;
                }
                var exactClock = Stopwatch.StartNew();
                var progress = await ProgressAsync(database, backfill, full: identityDone is not null);
                exactCost = exactClock.Elapsed;
                sinceExact.Restart();
                if (webhooks.IsCompleted && webhooksDone == 0)
                {
                    webhooksDone = clock.Elapsed.TotalSeconds;
                    await webhooks; // a failed delivery ends the run here
                }
                if (progress.Deferred >= deferred && deferredDone is null)
                {
                    deferredDone = clock.Elapsed.TotalSeconds;
                }
                if (progress.Records >= total && identityDone is null)
                {
                    identityDone = clock.Elapsed.TotalSeconds;
                }
                var rest = progress.Full
                    ? $"sales {progress.Sales,9:N0}/{progress.LinkedCharges:N0} linked charges  clients not yet announced {progress.Unannounced,7:N0}"
                    : $"deferred {progress.Deferred,9:N0}/{deferred:N0}";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {clock.Elapsed.TotalSeconds,6:F0} s  resolved {progress.Records,9:N0}/{total:N0}  {rest}  {(webhooks.IsCompleted ? "webhooks sent" : "sending webhooks")}"));
                if (progress.Full && progress.Records >= total && progress.Sales >= progress.LinkedCharges && progress.Unannounced == 0 && webhooks.IsCompleted)
                {
                    last = progress;
                    break;
                }
                foreach (var (name, process) in processes)
                {
                    if (!ProcessAlive(process.ProcessId))
                    {
                        Console.Error.WriteLine($"{name} exited:{Environment.NewLine}{process.Output}");
                        return 1;
                    }
                }
            }
            clock.Stop();
            var seconds = clock.Elapsed.TotalSeconds;
            sampler.Stop();
            await sampling;
            await bus.StopAsync();
            // A session sends its last statistics when it ends: the services stop before the write counters are read.
            foreach (var process in processes.Values)
            {
                await process.DisposeAsync();
            }
            stopped = true;
            var writes = (await WriteVolume.ReadAsync(database, Services)).Minus(writesBefore);

            var messages = await MessagesAsync(vhost.Name);
            var walBeforeCopy = await WriteVolume.WalPositionAsync(database);
            var (copied, copySeconds) = await PlainCopy.MeasureAsync(database, "connector-stripe",
                "workspace_id, stream, entity_type, external_id, source_updated_at, payload, payload_hash, canonical_hash, canonical, sync_run_id, correlation_id, received_at, unify");
            var copyWal = await WriteVolume.WalPositionAsync(database) - walBeforeCopy;
            var copyIndexes = await ScalarAsync(database,
                "select count(*) from pg_index where indrelid = '\"connector-stripe\".raw_records'::regclass");
            // If every row and index entry the run writes cost what one costs in the COPY, with a session on each core:
            // the rate the run's writes alone would allow, whatever the services do around them.
            var copyCostPerEntry = copySeconds / (copied * (1.0 + copyIndexes));
            var writeCeiling = Environment.ProcessorCount / ((writes.Rows + writes.IndexEntries) / (double)total * copyCostPerEntry);
            var rate = total / seconds;
            var copyRate = copied / copySeconds;
            var outcome = await OutcomeAsync(database);
            var webhookLatency = await WebhookLatencyAsync(database, backfill);
            var databaseMiB = await ScalarAsync(database, "select pg_database_size(current_database())") / 1_048_576.0;
            var schemaSizes = await SchemaSizesAsync(database);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

                e2e benchmark ({Environment.ProcessorCount} cores, load average {loadBefore} before, {ProcessCpu.LoadAverage()} after)
                  records                          : {total,10:N0} ({contacts:N0} contacts, {sales:N0} sales); {deferred:N0} deferred + "Unify all", {total - half:N0} live webhooks ({senders} senders, all sent after {webhooksDone:F1} s)
                  deferred half resolved           : {deferredDone ?? seconds,10:F1} s = {deferred / (deferredDone ?? seconds):F0} records/s (while webhooks arrive)
                  webhooks accepted by the connector: {total - half,9:N0} in {webhooksDone:F1} s = {(total - half) / Math.Max(webhooksDone, 0.001):F0}/s
                  staged -> resolved (identity)    : {identityDone ?? seconds,10:F1} s
                  a webhook, staged -> resolved    : {webhookLatency}
                  staged -> customer_sales + ClientUpdated consumed: {seconds:F1} s = {rate:F0} records/s
                  plain binary COPY of the same rows: {copied,9:N0} rows in {copySeconds:F2} s = {copyRate:F0} rows/s
                  outcome                          : {outcome}
                  messages through the broker      : {messages}
                  peak memory (VmHWM)              : {string.Join(", ", Services.Select(s => $"{s} {sampler.PeakMiB(s):F0} MB"))}
                  the broker's backlog             : {sampler.BrokerSummary()}
                  CPU seconds (of {seconds * Environment.ProcessorCount:F0} core-seconds) : {sampler.CpuSummary()}
                  database size                    : {databaseMiB:F0} MB ({schemaSizes})
                  written from "Unify all" to done : {writes.PerRecord(total)}; the COPY: 1 row + {copyIndexes} index entries, {copyWal / 1024.0 / copied:F1} kB of WAL a row
                  ceiling from the writes alone    : {writeCeiling:F0} records/s (each row and index entry at its cost in the COPY, {Environment.ProcessorCount} sessions at once)
                """));
            // --show-writes: each table's rows and index entries a record.
            if (args.Contains("--show-writes"))
            {
                Console.WriteLine($"  written a record, by table (rows + index entries): {writes.TablesPerRecord(total)}");
            }
            // --show-log SERVICE: its last output lines (e.g. with --set SERVICE:Logging:LogLevel:CATEGORY=Debug for per-batch timings).
            foreach (var name in args.Select((a, i) => (a, i)).Where(x => x.a == "--show-log" && x.i + 1 < args.Length).Select(x => args[x.i + 1]))
            {
                Console.WriteLine($"  last output of {name}:{Environment.NewLine}{processes[name].Output}");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                end to end: {rate:F0} records/s
                ratio to COPY: {rate / copyRate:F2}
                """));
            return 0;
        }
        finally
        {
            foreach (var process in stopped ? Enumerable.Empty<ServiceProcess>() : processes.Values)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>Stages the first half through <see cref="StagingStore"/> (deferred), pages of 1,000 rows, one transaction each.</summary>
    private static async Task<long> StageDeferredAsync(TestDatabase database, EndToEndWorkload workload, int half, Guid correlation)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = "\"connector-stripe\"", CommandTimeout = 0 };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        using var relay = new RelaySignal();
        var store = new StagingStore(dataSource, relay, TimeProvider.System);
        var context = new StagingContext(Workspace, correlation, NewId.NextGuid(), UnifyMode.Deferred);
        long staged = 0;
        foreach (var page in workload.Objects().Take(half).Chunk(1000))
        {
            var records = page.Select(o =>
            {
                using var document = JsonDocument.Parse(o.Json);
                var mapped = StripeMapping.Map(document.RootElement, o.Created)!;
                return new StagedRecordInput(StripeMapping.StreamOf(mapped.EntityType, document.RootElement), o.Json, mapped);
            }).ToList();
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            staged += await store.StageAsync(connection, transaction, context, records, CancellationToken.None);
            await transaction.CommitAsync();
        }
        return staged;
    }

    /// <summary>The second half as signed Stripe events to the connector's webhook endpoint, <paramref name="senders"/> at a time.</summary>
    private static async Task SendWebhooksAsync(Uri connector, EndToEndWorkload workload, int half, int senders)
    {
        using var http = new HttpClient { BaseAddress = connector, Timeout = TimeSpan.FromMinutes(2) };
        await Parallel.ForEachAsync(workload.Objects().Skip(half), new ParallelOptions { MaxDegreeOfParallelism = senders }, async (obj, token) =>
        {
            var body = EndToEndWorkload.Event(obj);
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"webhooks/stripe/{Workspace}") { Content = content };
            request.Headers.Add("Stripe-Signature", StripeWebhooks.Sign(body, Secret));
            using var response = await http.SendAsync(request, token);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"webhook {obj.Index} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
            }
        });
    }

    private readonly record struct Progress(long Records, long Deferred, bool Full, long LinkedCharges, long Sales, long Unannounced);

    private static async Task<Progress> ProgressAsync(TestDatabase database, Guid backfill, bool full)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(full
            ? """
              select (select count(*) from "identity-resolution".records),
                     (select count(*) from "identity-resolution".records where correlation_id = @backfill),
                     (select count(*) from "identity-resolution".records where entity_type = 'charge' and client_id is not null),
                     (select count(*) from aggregation.sales),
                     (select count(*) from "identity-resolution".clients c
                      where c.status = 'active'
                        and not exists (select 1 from aggregation.clients a where a.client_id = c.id and a.version >= c.version))
              """
            : """
              select (select count(*) from "identity-resolution".records),
                     (select count(*) from "identity-resolution".records where correlation_id = @backfill), 0::bigint, 0::bigint, 0::bigint
              """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid>("backfill", backfill));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Progress(reader.GetInt64(0), reader.GetInt64(1), full, reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    private static async Task<string> OutcomeAsync(TestDatabase database)
    {
        var clients = await ScalarAsync(database, """select count(*) from "identity-resolution".clients where status = 'active'""");
        var merged = await ScalarAsync(database, """select count(*) from "identity-resolution".clients where status = 'merged'""");
        var unlinked = await ScalarAsync(database, """select count(*) from "identity-resolution".records where client_id is null""");
        var blocked = await ScalarAsync(database, """select count(*) from "identity-resolution".identifier_values where blocked_reason is not null""");
        var conflicts = await ScalarAsync(database, """select count(*) from "identity-resolution".merge_conflicts where status = 'open'""");
        var customerSales = await ScalarAsync(database, "select count(*) from aggregation.customer_sales");
        // The partition itself (which records are together), independent of client ids: the same seed must give the
        // same fingerprint whatever the arrival order, the deferred share or the batch sizes.
        var fingerprint = await TextAsync(database, """
            select left(md5(coalesce(string_agg(g, '|' order by g), '')), 12) from (
                select string_agg(entity_type || ':' || external_id, ',' order by entity_type, external_id) g
                from "identity-resolution".records where client_id is not null group by client_id) groups
            """);
        var reasons = await TextAsync(database, """
            select coalesce(string_agg(status || ' ' || coalesce(status_reason, '') || ': ' || n, '; ' order by n desc), 'none') from (
                select status, status_reason, count(*) n from "identity-resolution".records where client_id is null
                group by status, status_reason) r
            """);
        return string.Create(CultureInfo.InvariantCulture,
            $"{clients:N0} clients ({merged:N0} merged away), {unlinked:N0} records in no client ({reasons}), {blocked} blocked values, {conflicts:N0} open conflicts, {customerSales:N0} customer_sales rows; partition fingerprint {fingerprint}");
    }

    /// <summary>
    /// How long the live half waited: from a webhook's row staged (its raw row's receipt) to its record first resolved by
    /// identity resolution, the percentiles over every webhook record of the run.
    /// </summary>
    private static async Task<string> WebhookLatencyAsync(TestDatabase database, Guid backfill)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select count(*), coalesce(percentile_cont(array[0.5, 0.95, 0.99]) within group (order by s), array[0, 0, 0]::float8[]), coalesce(max(s), 0)
            from (select extract(epoch from first_seen_at - staged_at)::float8 s
                  from "identity-resolution".records where correlation_id <> @backfill) w
            """, connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter<Guid>("backfill", backfill));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var p = reader.GetFieldValue<double[]>(1);
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {p[0]:F1} s, p95 {p[1]:F1} s, p99 {p[2]:F1} s, max {reader.GetDouble(2):F1} s ({reader.GetInt64(0):N0} webhook records)");
    }

    /// <summary>Messages published into each queue of the virtual host (the broker's counters), and their sum per record.</summary>
    private static async Task<string> MessagesAsync(string vhost)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{TestEnvironment.RabbitHost}:{TestEnvironment.RabbitManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestEnvironment.RabbitUser}:{TestEnvironment.RabbitPassword}")));
        // The management counters lag a few seconds behind.
        await Task.Delay(6000);
        using var json = JsonDocument.Parse(await http.GetStringAsync($"queues/{Uri.EscapeDataString(vhost)}?columns=name,message_stats"));
        var counts = json.RootElement.EnumerateArray()
            .Select(q => (Name: q.GetProperty("name").GetString()!,
                Published: q.TryGetProperty("message_stats", out var s) && s.TryGetProperty("publish", out var p) ? p.GetInt64() : 0))
            .Where(q => q.Published > 0 && !q.Name.Contains("_error", StringComparison.Ordinal))
            .OrderByDescending(q => q.Published)
            .ToList();
        return string.Join(", ", counts.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.Name} {q.Published:N0}")))
            + string.Create(CultureInfo.InvariantCulture, $" (total {counts.Sum(q => q.Published):N0})");
    }

    private static async Task<string> SchemaSizesAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select n.nspname, sum(pg_total_relation_size(c.oid))::bigint
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'm') and n.nspname in ('connector-stripe', 'identity-resolution', 'aggregation')
            group by n.nspname order by 2 desc
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var parts = new List<string>();
        while (await reader.ReadAsync())
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1) / 1_048_576.0:F0} MB"));
        }
        return string.Join(", ", parts);
    }

    private static async Task<long> ScalarAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> TextAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    private static bool ProcessAlive(int pid) => File.Exists($"/proc/{pid}/stat");

    /// <summary>
    /// Samples every second: each service's resident memory and CPU, and the CPU of the database sessions each service
    /// opened (PostgreSQL backends by application name, read from <c>/proc</c>), so the report says where the cores went.
    /// </summary>
    private sealed class Sampler(TestDatabase database, IReadOnlyDictionary<string, ServiceProcess> processes, TestVirtualHost vhost) : IDisposable
    {
        private readonly int[] _broker = ProcessCpu.Running("beam.smp");
        private double _brokerStartMiB;
        private double _brokerPeakMiB;
        private long _peakMessages;
        private string _peakQueues = "";

        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, double> _peakMiB = new();
        private readonly ConcurrentDictionary<string, double> _cpuAtStart = new();
        private readonly ConcurrentDictionary<string, double> _cpu = new();
        private readonly ConcurrentDictionary<int, (string Service, double First, double Last)> _backends = new();

        public async Task RunAsync()
        {
            foreach (var (name, process) in processes)
            {
                _cpuAtStart[name] = ProcessCpu.Seconds(process.ProcessId);
            }
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            _brokerStartMiB = _broker.Sum(pid => StatusMiB(pid, "VmRSS:"));
            while (!_stop.IsCancellationRequested)
            {
                _brokerPeakMiB = Math.Max(_brokerPeakMiB, _broker.Sum(pid => StatusMiB(pid, "VmRSS:")));
                try
                {
                    var depths = await vhost.QueueDepthsAsync();
                    if (depths.Values.Sum() > _peakMessages)
                    {
                        _peakMessages = depths.Values.Sum();
                        _peakQueues = string.Join(", ", depths.Where(d => d.Value > 0).OrderByDescending(d => d.Value).Take(3).Select(d => $"{d.Key} {d.Value:N0}"));
                    }
                }
                catch (HttpRequestException)
                {
                }
                foreach (var (name, process) in processes)
                {
                    _peakMiB[name] = StatusMiB(process.ProcessId, "VmHWM:");
                    _cpu[name] = ProcessCpu.Seconds(process.ProcessId) - _cpuAtStart[name];
                }
                await using (var command = new NpgsqlCommand(
                    "select pid, application_name from pg_stat_activity where datname = current_database() and application_name like 'bench-%'", connection))
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        var pid = reader.GetInt32(0);
                        var cpu = ProcessCpu.Seconds(pid);
                        var service = reader.GetString(1)["bench-".Length..];
                        _backends.AddOrUpdate(pid, (service, cpu, cpu), (_, b) => (b.Service, b.First, Math.Max(b.Last, cpu)));
                    }
                }
                try
                {
                    await Task.Delay(1000, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public void Stop() => _stop.Cancel();

        /// <summary>The most messages the run's queues held at once (sampled each second), and RabbitMQ's resident memory.</summary>
        public string BrokerSummary() => string.Create(CultureInfo.InvariantCulture,
            $"peak {_peakMessages:N0} messages queued ({(_peakQueues.Length > 0 ? _peakQueues : "none")}); RabbitMQ resident {_brokerStartMiB:F0} MB at the start, peak {_brokerPeakMiB:F0} MB");

        public double PeakMiB(string service) => _peakMiB.GetValueOrDefault(service);

        /// <summary>CPU of each service process and of its database sessions (a session seen first mid-run counts from then).</summary>
        public string CpuSummary() => string.Join(", ", Services.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s} {_cpu.GetValueOrDefault(s):F0} + its database sessions {_backends.Values.Where(b => b.Service == s).Sum(b => b.Last - b.First):F0}")));

        public void Dispose() => _stop.Dispose();

        private static double StatusMiB(int pid, string field)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith(field, StringComparison.Ordinal))
                    {
                        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
                    }
                }
            }
            catch (IOException)
            {
            }
            return 0;
        }
    }
}
