using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Npgsql;
using Platform.Testing;

namespace Platform.Aggregation.Benchmarks;

/// <summary>
/// Sales records aggregated per second by the aggregation service, started as a real process (Release build) against
/// the real servers: the linked records are queued first (service stopped), then the service drains the queue and the
/// clock runs from its readiness until every record is in the database and every consumer finished.
/// </summary>
internal static class AggregationBenchmark
{
    public static async Task<int> RunAsync(int sales, int clients, int workspaces)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"aggregation benchmark: {sales} sales records, {clients} clients, {workspaces} workspace(s), {Environment.ProcessorCount} cores"));
        var workload = Workload.Generate(sales, clients, workspaces);
        await using var database = await TestDatabase.CreateAsync("aggbench");
        await using var vhost = await TestVirtualHost.CreateAsync("aggbench");
        var environment = new Dictionary<string, string?>(vhost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = database.ConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (Environment.GetEnvironmentVariable("AGG_BENCH_BATCH") is { Length: > 0 } batchSize)
        {
            environment["Aggregation__MaxBatchSize"] = batchSize;
            environment["Aggregation__ConcurrentMessages"] = (int.Parse(batchSize, CultureInfo.InvariantCulture) * 2).ToString(CultureInfo.InvariantCulture);
        }

        if (Environment.GetEnvironmentVariable("AGG_BENCH_SLOW_MS") is { Length: > 0 } slow)
        {
            await using var admin = new NpgsqlConnection(database.ConnectionString);
            await admin.OpenAsync();
            await using var alter = new NpgsqlCommand($"alter database \"{database.Name}\" set log_min_duration_statement = {int.Parse(slow, CultureInfo.InvariantCulture)}", admin);
            await alter.ExecuteNonQueryAsync();
            foreach (var setting in Environment.GetEnvironmentVariable("AGG_BENCH_EXPLAIN") is null ? [] : new[] { "session_preload_libraries = 'auto_explain'", $"auto_explain.log_min_duration = {slow}", "auto_explain.log_analyze = on" })
            {
                await using var explain = new NpgsqlCommand($"alter database \"{database.Name}\" set {setting}", admin);
                await explain.ExecuteNonQueryAsync();
            }
        }
        // First start: migrations, queues and bindings. Then stop, so the records queue up.
        await (await ServiceProcess.StartAsync("aggregation", "Platform.Aggregation", environment)).DisposeAsync();

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, vhost.Name, h =>
        {
            h.Username(TestEnvironment.RabbitUser);
            h.Password(TestEnvironment.RabbitPassword);
        }));
        await bus.StartAsync();
        var publishClock = Stopwatch.StartNew();
        foreach (var chunk in workload.Messages.Chunk(2_000))
        {
            await Task.WhenAll(chunk.Select(m => bus.Publish(m)));
        }
        publishClock.Stop();
        await bus.StopAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  queued {workload.Messages.Count} RecordLinked in {publishClock.Elapsed.TotalSeconds:F1} s"));

        var startClock = Stopwatch.StartNew();
        await using var service = await ServiceProcess.StartAsync("aggregation", "Platform.Aggregation", environment);
        var readyAt = startClock.Elapsed;
        var clock = Stopwatch.StartNew();
        long records;
        var expectedRecords = workload.Messages.Count;
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = "aggregation" };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(30);
            while (true)
            {
                await using var count = new NpgsqlCommand("select count(*) from client_records", connection);
                records = (long)(await count.ExecuteScalarAsync())!;
                if (records >= expectedRecords && await QueueDrainedAsync(vhost.Name))
                {
                    break;
                }
                if (DateTime.UtcNow > deadline)
                {
                    Console.Error.WriteLine($"timed out: {records} of {expectedRecords} records aggregated{Environment.NewLine}{service.Output}");
                    return 1;
                }
                await Task.Delay(200);
            }
        }
        clock.Stop();
        var seconds = clock.Elapsed.TotalSeconds;
        var check = await CheckAsync(builder.ConnectionString);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              service ready after            : {readyAt.TotalSeconds,8:F1} s (process start, migrations check, bus)
              drained                        : {records,8} records ({sales} sales) in {seconds:F1} s
              sales records aggregated / s   : {sales / seconds,8:F0}
              all records aggregated / s     : {records / seconds,8:F0}
              including process start        : {sales / (seconds + readyAt.TotalSeconds),8:F0} sales records/s
              result: {check}
            """));
        if (Environment.GetEnvironmentVariable("AGG_BENCH_OUTPUT") is { Length: > 0 })
        {
            Console.WriteLine(service.Output);
        }
        return 0;
    }

    /// <summary>No message left in the service's queue, ready or unacknowledged (management API).</summary>
    private static async Task<bool> QueueDrainedAsync(string vhost)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{TestEnvironment.RabbitHost}:{TestEnvironment.RabbitManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TestEnvironment.RabbitUser}:{TestEnvironment.RabbitPassword}")));
        var json = await http.GetStringAsync($"queues/{Uri.EscapeDataString(vhost)}/aggregation-record-linked");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        return root.TryGetProperty("messages", out var messages) && messages.GetInt64() == 0;
    }

    /// <summary>A consistency check printed with the figures: customer_sales agrees with the sales it summarises.</summary>
    private static async Task<string> CheckAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select (select count(*) from sales), (select count(*) from customer_sales), (select count(*) from cs_customers),
                (select count(*) from customer_360), (select count(*) from customer_activities),
                (select string_agg(currency || ' ' || total, ', ' order by currency) from (
                    select currency, sum(total_revenue) as total from customer_sales group by currency) t),
                (select count(*) from (
                    select s.currency, sum(s.net_amount) as revenue from sales s where s.is_counted and s.superseded_by is null
                    group by s.currency
                    except
                    select currency, sum(total_revenue) from customer_sales group by currency) mismatched)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Create(CultureInfo.InvariantCulture,
            $"{reader.GetInt64(0)} sales rows, {reader.GetInt64(1)} customer_sales rows, {reader.GetInt64(2)} cs_customers, {reader.GetInt64(3)} customer_360 rows, {reader.GetInt64(4)} activities; revenue {reader.GetString(5)}; customer_sales {(reader.GetInt64(6) == 0 ? "matches" : "DOES NOT match")} the sales rows");
    }
}
