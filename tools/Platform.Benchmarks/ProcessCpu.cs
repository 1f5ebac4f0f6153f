using System.Globalization;
using Npgsql;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>CPU time of processes, read from Linux <c>/proc</c> (100 ticks a second), and the processes themselves; 0 and none elsewhere.</summary>
internal static class ProcessCpu
{
    /// <summary>User + system CPU seconds a process has used.</summary>
    public static double Seconds(int pid) => Read(pid, withChildren: false);

    /// <summary>
    /// The PostgreSQL server's CPU seconds so far: the postmaster's own, its ended backends' (reaped children) and its live
    /// ones'. The postmaster is found as the parent of a session opened on <paramref name="database"/>.
    /// </summary>
    public static async Task<Func<double>> PostgresAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var postmaster = ParentOf(connection.ProcessID);
        return () => Read(postmaster, withChildren: true) + ChildrenOf(postmaster).Sum(Seconds);
    }

    /// <summary>The 1-minute load average (other work on the machine competes for the same cores).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double Read(int pid, bool withChildren)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return 0;
        }
        // utime, stime (fields 14 and 15 of stat), then cutime and cstime: the CPU of children it waited for.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (withChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }
        return ticks / 100.0;
    }

    private static int ParentOf(int pid) =>
        StatFields(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : 0;

    /// <summary>The processes whose command line contains <paramref name="command"/> (RabbitMQ's Erlang VM: <c>beam.smp</c>).</summary>
    public static int[] Running(string command) =>
        Pids().Where(pid => ReadProcFile($"/proc/{pid}/cmdline")?.Contains(command, StringComparison.Ordinal) == true).ToArray();

    private static IEnumerable<int> ChildrenOf(int parent) => parent == 0 ? [] : Pids().Where(pid => ParentOf(pid) == parent);

    private static IEnumerable<int> Pids()
    {
        if (!Directory.Exists("/proc"))
        {
            yield break;
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>The fields of <c>/proc/{pid}/stat</c> after the command name (index 0 is the state), or null.</summary>
    private static string[]? StatFields(int pid) =>
        ReadProcFile($"/proc/{pid}/stat") is { } stat ? stat[(stat.LastIndexOf(')') + 2)..].Split(' ') : null;

    /// <summary>A /proc file's text, or null (the process ended, or is not ours to read).</summary>
    private static string? ReadProcFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
