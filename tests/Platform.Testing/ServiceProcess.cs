using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// A service started as a real process from its build output (<c>dotnet Platform.X.dll</c>), the way
/// <c>./platform up</c> starts it, on a free loopback port; its output is kept for failure messages.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
    }

    public string Name { get; }
    public Uri Address { get; }

    /// <summary>The operating-system process id (benchmarks read its peak memory from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The last lines the process wrote.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts <c>services/{name}</c> and waits until it answers <c>/health/ready</c>; on <c>port</c> when given (from
    /// <see cref="FreePort"/>, when another process must be told the address first).
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string name, string project, IDictionary<string, string?> environment,
        TimeSpan? readyTimeout = null, int? port = null)
    {
        var (service, _) = Launch(name, project, environment, [], port);
        try
        {
            await service.WaitUntilReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(90));
        }
        catch
        {
            // A process that never became ready must not outlive the test: it would consume later tests' messages.
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>Runs <c>services/{name}</c> with <paramref name="arguments"/> (e.g. <c>--migrate-only</c>) until it exits.</summary>
    /// <returns>The exit code and what it wrote.</returns>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string name, string project,
        IDictionary<string, string?> environment, params string[] arguments)
    {
        var (service, process) = Launch(name, project, environment, arguments);
        await using (service)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            process.WaitForExit(); // drains the redirected output
            return (process.ExitCode, service.Output);
        }
    }

    private static (ServiceProcess Service, Process Process) Launch(string name, string project, IDictionary<string, string?> environment,
        string[] arguments, int? fixedPort = null)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        var directory = Path.Combine(TestEnvironment.RepoRoot, "services", name, "bin", configuration, "net10.0");
        var dll = Path.Combine(directory, project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built; build Platform.sln ({configuration}) first.", dll);
        }
        var port = fixedPort ?? FreePort();
        var info = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // "Urls" (not only ASPNETCORE_URLS): the services set Urls in appsettings.json, which wins over ASPNETCORE_URLS.
        info.Environment["Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Platform__InternalAuth__Key"] = TestEnvironment.InternalAuthKey;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        var service = new ServiceProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (service, process);
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            }
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException)
            {
                last = "timed out";
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds:0} s (last: {last}):{Environment.NewLine}{Output}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
