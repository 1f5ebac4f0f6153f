using System.Globalization;

namespace Platform.Benchmarks;

/// <summary>
/// A service's JIT and GC counters, read from its Prometheus endpoint (<c>/metrics</c>: the runtime's System.Runtime
/// meter): what a measured run cost in compilation and collections, from two readings.
/// </summary>
internal sealed record RuntimeMetrics(long JitMethods, double JitSeconds, long Gen0, long Gen1, long Gen2)
{
    public static async Task<RuntimeMetrics> ReadAsync(Uri service)
    {
        using var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        double Sum(string name, string? label = null) => text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && (label is null || l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return new RuntimeMetrics((long)Sum("dotnet_jit_compiled_methods_total"), Sum("dotnet_jit_compilation_time_seconds_total"),
            (long)Sum("dotnet_gc_collections_total", "\"gen0\""), (long)Sum("dotnet_gc_collections_total", "\"gen1\""),
            (long)Sum("dotnet_gc_collections_total", "\"gen2\""));
    }

    public static RuntimeMetrics operator -(RuntimeMetrics after, RuntimeMetrics before) =>
        new(after.JitMethods - before.JitMethods, after.JitSeconds - before.JitSeconds, after.Gen0 - before.Gen0,
            after.Gen1 - before.Gen1, after.Gen2 - before.Gen2);

    /// <summary>One line: methods compiled (and the compile threads' wall time, which overstates their CPU on busy cores), collections.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{JitMethods} methods JIT-compiled ({JitSeconds:F1} s of compile time), GC {Gen0}/{Gen1}/{Gen2} (gen0/1/2)");
}
