using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Platform.Campaigns.Tests;

/// <summary>
/// A real SMTP server on loopback: Debian's aiosmtpd (<c>python3-aiosmtpd</c>, installed by <c>./platform test</c>)
/// storing every message it accepts in a Maildir, which the test reads.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentDictionary<string, MimeMessage> _parsed = new();

    private SmtpServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SmtpServer> StartAsync()
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var directory = Path.Combine(Path.GetTempPath(), $"campaigns-smtp-{Guid.NewGuid():N}");
        var port = FreePort();
        var info = new ProcessStartInfo(python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", directory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start aiosmtpd");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"aiosmtpd exited with {process.ExitCode}: is python3-aiosmtpd installed? (./platform test installs it; apt-get install python3-aiosmtpd)");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new SmtpServer(process, directory, port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            var folder = Path.Combine(_directory, "new");
            if (!Directory.Exists(folder))
            {
                return [];
            }
            foreach (var file in Directory.GetFiles(folder))
            {
                if (!_parsed.ContainsKey(file))
                {
                    try
                    {
                        _parsed[file] = MimeMessage.Load(file);
                    }
                    catch (IOException)
                    {
                        // Still being moved into new/: read it next time.
                    }
                }
            }
            return _parsed.Values.ToList();
        }
    }

    /// <summary>Messages addressed to one of <paramref name="addresses"/>.</summary>
    public IReadOnlyList<MimeMessage> To(IEnumerable<string> addresses)
    {
        var set = addresses.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Messages.Where(m => m.To.Mailboxes.Any(a => set.Contains(a.Address))).ToList();
    }

    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(IEnumerable<string> addresses, int count, TimeSpan? timeout = null)
    {
        var list = addresses.ToList();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var received = To(list);
            if (received.Count >= count)
            {
                return received;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{received.Count} of {count} message(s) reached the SMTP server");
            }
            await Task.Delay(100);
        }
    }

    private static int FreePort()
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
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
