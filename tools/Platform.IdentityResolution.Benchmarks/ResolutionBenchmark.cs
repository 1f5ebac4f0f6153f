using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MassTransit;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Testing;

namespace Platform.IdentityResolution.Benchmarks;

/// <summary>
/// Records resolved per second by identity-resolution running as its own process (as <c>./platform up</c>
/// runs it), fed through RabbitMQ: a generated population is published as fast as the broker takes it, and
/// the clock stops when the service's database holds every record (a record is stored by the transaction
/// that resolves it). Prints the rate and the service process's peak memory (VmHWM).
/// </summary>
internal static class ResolutionBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 200_000);
        var workspaceCount = Option(args, "--workspaces", 1);
        var seed = Option(args, "--seed", 42);
        var prefill = args.Contains("--prefill");
        var batch = Option(args, "--batch", 200);
        var logIndex = Array.IndexOf(args, "--service-log");
        var serviceLog = logIndex >= 0 && logIndex + 1 < args.Length ? args[logIndex + 1] : null;
        var workspaces = Enumerable.Range(1, workspaceCount).Select(i => $"bench-{i}").ToList();

        Console.WriteLine($"generating {records} records across {workspaceCount} workspace(s) (seed {seed})...");
        var messages = Generator.Generate(workspaces, records, seed);

        await using var database = await TestDatabase.CreateAsync("bench_identity");
        await using var vhost = await TestVirtualHost.CreateAsync("bench-identity");
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, vhost.Name, h =>
            {
                h.Username(TestEnvironment.RabbitUser);
                h.Password(TestEnvironment.RabbitPassword);
            });
        });
        await bus.StartAsync();
        Task<double> publishing;
        Stopwatch clock;
        if (prefill)
        {
            // The service declares its queue, stops, the whole population is queued, and the clock runs from the
            // service's second start: the rate of draining a backlog, with no publisher competing for the CPU.
            using (await StartServiceAsync(database, vhost, batch, null))
            {
            }
            Console.WriteLine("queueing every record while the service is stopped...");
            publishing = Task.FromResult(await PublishAsync(bus, messages));
            clock = Stopwatch.StartNew();
        }
        else
        {
            clock = Stopwatch.StartNew();
            publishing = Task.FromResult(0.0);
        }
        using var service = await StartServiceAsync(database, vhost, batch, serviceLog);
        {
            if (!prefill)
            {
                publishing = PublishAsync(bus, messages);
            }
            var peakRss = 0L;
            var last = 0L;
            while (true)
            {
                await Task.Delay(1000);
                var resolved = await CountAsync(database, "select count(*) from records");
                peakRss = Math.Max(peakRss, service.Process.PeakWorkingSet64Fresh());
                if (resolved != last || resolved == records)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {clock.Elapsed.TotalSeconds,6:F0} s  {resolved,8} resolved  {(publishing.IsCompleted ? "all published" : "publishing")}"));
                    last = resolved;
                }
                if (resolved >= records)
                {
                    break;
                }
                if (service.Process.HasExited)
                {
                    Console.Error.WriteLine($"identity-resolution exited with code {service.Process.ExitCode}:{Environment.NewLine}{service.Output}");
                    return 1;
                }
            }
            clock.Stop();
            var publishSeconds = await publishing;
            await bus.StopAsync();

            var clients = await CountAsync(database, "select count(*) from clients where status = 'active'");
            var linked = await CountAsync(database, "select count(*) from records where status = 'linked'");
            var unlinked = await CountAsync(database, "select count(*) from records where status <> 'linked'");
            var conflicts = await CountAsync(database, "select count(*) from merge_conflicts where status = 'open'");
            var blocked = await CountAsync(database, "select count(*) from identifier_values where blocked_reason is not null");
            var merged = await CountAsync(database, "select count(*) from clients where status = 'merged'");
            var cpu = service.Process.TotalProcessorTime;
            var dbSize = await CountAsync(database, "select pg_database_size(current_database())");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

                identity-resolution benchmark ({Environment.ProcessorCount} cores, one service process, MaxBatchSize {batch}, {workspaceCount} workspace(s), {(prefill ? "backlog queued before the service started" : "published while the service resolves")})
                  records resolved      : {records,10}   in {clock.Elapsed.TotalSeconds:F1} s (published in {publishSeconds:F1} s)
                  rate                  : {records / clock.Elapsed.TotalSeconds,10:F0}   records/s
                  service peak memory   : {Math.Max(peakRss, service.Process.PeakWorkingSet64Fresh()) / 1024.0 / 1024.0,10:F0}   MB (VmHWM of the service process)
                  service CPU time      : {cpu.TotalSeconds,10:F0}   s
                  outcome               : {clients} clients ({merged} merged away on the way), {linked} records linked, {unlinked} skipped or waiting,
                                          {conflicts} open conflicts, {blocked} blocked values
                  database size         : {dbSize / 1024.0 / 1024.0,10:F0}   MB
                """));
            return 0;
        }
    }

    /// <summary>Publishes every message, a window at a time; returns the seconds it took.</summary>
    private static async Task<double> PublishAsync(IBus bus, List<RawRecordStaged> messages)
    {
        var clock = Stopwatch.StartNew();
        foreach (var window in messages.Chunk(500))
        {
            await Task.WhenAll(window.Select(m => bus.Publish(m)));
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<ServiceUnderTest> StartServiceAsync(TestDatabase database, TestVirtualHost vhost, int batch, string? serviceLog)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        var directory = Path.Combine(TestEnvironment.RepoRoot, "services", "identity-resolution", "bin", configuration, "net10.0");
        var dll = Path.Combine(directory, "Platform.IdentityResolution.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built; build Platform.sln ({configuration}) first.", dll);
        }
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in vhost.Settings())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        info.Environment["ConnectionStrings__Platform"] = database.ConnectionString;
        info.Environment["Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["IdentityResolution__MaxBatchSize"] = batch.ToString(CultureInfo.InvariantCulture);
        // Enough messages held at once for full batches to form (the default holds 256).
        info.Environment["IdentityResolution__ConcurrentMessages"] = Math.Max(256, batch * 2).ToString(CultureInfo.InvariantCulture);
        var service = new ServiceUnderTest(Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}"), serviceLog);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !service.Process.HasExited)
        {
            try
            {
                var health = await http.GetFromJsonAsync<Health>("health/ready");
                if (health?.Status == "Healthy")
                {
                    return service;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // Not listening yet, or not ready (503 with a body that is not the health shape).
            }
            await Task.Delay(250);
        }
        service.Dispose();
        throw new TimeoutException($"identity-resolution was not ready:{Environment.NewLine}{service.Output}");
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = "\"identity-resolution\"" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Health(string Status);

    /// <summary>The service process, its last output lines, stopped on dispose.</summary>
    private sealed class ServiceUnderTest : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

        private readonly StreamWriter? _log;

        public ServiceUnderTest(Process process, string? logPath)
        {
            Process = process;
            _log = logPath is null ? null : new StreamWriter(logPath, append: false) { AutoFlush = true };
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output => string.Join(Environment.NewLine, _output);

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }
            _output.Enqueue(line);
            if (_log is { } log)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
            while (_output.Count > 100 && _output.TryDequeue(out _))
            {
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
            _log?.Dispose();
        }
    }
}

internal static class ProcessMemory
{
    /// <summary>The process's peak resident set so far (Linux VmHWM), read fresh.</summary>
    public static long PeakWorkingSet64Fresh(this Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return 0;
        }
        process.Refresh();
        return process.PeakWorkingSet64;
    }
}
