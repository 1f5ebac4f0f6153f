using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Platform.Testing;

namespace Platform.Aggregation.Benchmarks;

internal sealed record BenchmarkOptions(int Sales, int Clients, int Workspaces, int BatchSize, int LogSlowMs);

/// <summary>
/// Sales records aggregated per second by the aggregation service, started as a real process (Release build) against the
/// real servers. The linked records are queued first, with the service stopped, so the figure is the service's and not
/// the publisher's; the clock runs from the service's readiness until the last record is committed (each record is
/// committed together with its client's recomputed customer_sales, cs_customers and customer_360).
/// </summary>
internal static class AggregationBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"aggregation benchmark: {options.Sales} sales records, {options.Clients} clients, {options.Workspaces} workspace(s), {Environment.ProcessorCount} cores"));
        var workload = Workload.Generate(options.Sales, options.Clients, options.Workspaces);
        await using var database = await TestDatabase.CreateAsync("aggbench");
        await using var vhost = await TestVirtualHost.CreateAsync("aggbench");
        var environment = new Dictionary<string, string?>(vhost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = database.ConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (options.BatchSize > 0)
        {
            environment["Aggregation__MaxBatchSize"] = options.BatchSize.ToString(CultureInfo.InvariantCulture);
            environment["Aggregation__ConcurrentMessages"] = (options.BatchSize * 2).ToString(CultureInfo.InvariantCulture);
        }
        if (options.LogSlowMs >= 0)
        {
            await LogSlowStatementsAsync(database, options.LogSlowMs);
        }

        // First start: migrations, queues and bindings. Then stop, so the records queue up.
        await (await ServiceProcess.StartAsync("aggregation", "Platform.Aggregation", environment)).DisposeAsync();
        var published = await QueueAsync(vhost, workload);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  queued {workload.Messages.Count} RecordLinked in {published.TotalSeconds:F1} s"));

        var startClock = Stopwatch.StartNew();
        await using var service = await ServiceProcess.StartAsync("aggregation", "Platform.Aggregation", environment);
        var readyAfter = startClock.Elapsed;
        var clock = Stopwatch.StartNew();
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = "aggregation" };
        long records;
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(60);
            while ((records = await CountAsync(connection)) < workload.Messages.Count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    Console.Error.WriteLine($"timed out: {records} of {workload.Messages.Count} records aggregated{Environment.NewLine}{service.Output}");
                    return 1;
                }
                await Task.Delay(100);
            }
        }
        clock.Stop();
        // Not timed: the queue must be empty too (nothing failed and came back), and the totals must add up.
        var drained = await QueueDrainedAsync(vhost.Name, TimeSpan.FromSeconds(30));
        var seconds = clock.Elapsed.TotalSeconds;
        var check = await CheckAsync(builder.ConnectionString);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              service ready after            : {readyAfter.TotalSeconds,8:F1} s (process start, bus)
              aggregated                     : {records,8} records ({options.Sales} sales) in {seconds:F1} s
              sales records aggregated / s   : {options.Sales / seconds,8:F0}
              all records aggregated / s     : {records / seconds,8:F0}
              including process start        : {options.Sales / (seconds + readyAfter.TotalSeconds),8:F0} sales records/s
              queue drained                  : {(drained ? "yes" : "NO")}
              {check}
            """));
        return drained ? 0 : 1;
    }

    private static async Task<TimeSpan> QueueAsync(TestVirtualHost vhost, Workload.Batch workload)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, vhost.Name, h =>
        {
            h.Username(TestEnvironment.RabbitUser);
            h.Password(TestEnvironment.RabbitPassword);
        }));
        await bus.StartAsync();
        var clock = Stopwatch.StartNew();
        foreach (var chunk in workload.Messages.Chunk(2_000))
        {
            await Task.WhenAll(chunk.Select(m => bus.Publish(m)));
        }
        clock.Stop();
        await bus.StopAsync();
        return clock.Elapsed;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection)
    {
        await using var count = new NpgsqlCommand("select count(*) from client_records", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>Statements of the bench database slower than <paramref name="milliseconds"/> go to PostgreSQL's log, with their plans.</summary>
    private static async Task LogSlowStatementsAsync(TestDatabase database, int milliseconds)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        foreach (var setting in new[]
        {
            $"log_min_duration_statement = {milliseconds}", "session_preload_libraries = 'auto_explain'",
            $"auto_explain.log_min_duration = {milliseconds}", "auto_explain.log_analyze = on",
        })
        {
            await using var alter = new NpgsqlCommand($"alter database \"{database.Name}\" set {setting}", connection);
            await alter.ExecuteNonQueryAsync();
        }
    }

    /// <summary>No message left in the service's queue, ready or unacknowledged (the management API's figures lag a few seconds).</summary>
    private static async Task<bool> QueueDrainedAsync(string vhost, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{TestEnvironment.RabbitHost}:{TestEnvironment.RabbitManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestEnvironment.RabbitUser}:{TestEnvironment.RabbitPassword}")));
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync($"queues/{Uri.EscapeDataString(vhost)}/aggregation-record-linked"));
            if (document.RootElement.TryGetProperty("messages", out var messages) && messages.GetInt64() == 0)
            {
                return true;
            }
            await Task.Delay(1000);
        }
        return false;
    }

    /// <summary>What the run produced, and whether customer_sales agrees with the sales it summarises.</summary>
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
                    select s.currency, sum(s.net_amount) as revenue from sales s where s.is_counted group by s.currency
                    except
                    select currency, sum(total_revenue) from customer_sales group by currency) mismatched)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Create(CultureInfo.InvariantCulture,
            $"rows: {reader.GetInt64(0)} sales, {reader.GetInt64(1)} customer_sales, {reader.GetInt64(2)} cs_customers, {reader.GetInt64(3)} customer_360, {reader.GetInt64(4)} activities{Environment.NewLine}  revenue: {reader.GetString(5)}; customer_sales {(reader.GetInt64(6) == 0 ? "matches" : "DOES NOT match")} the counted sales");
    }
}
