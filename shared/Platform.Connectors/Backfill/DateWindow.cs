using System.Text.Json.Serialization;

namespace Platform.Connectors.Backfill;

/// <summary>How a <see cref="DateWindow"/> adapts (bind it from the source's settings).</summary>
public sealed class DateWindowOptions
{
    /// <summary>Size of the first window of a walk.</summary>
    public TimeSpan Initial { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Smallest window: a range the vendor rejects at this size fails the sync.</summary>
    public TimeSpan Min { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Largest window, however long the walk stays empty.</summary>
    public TimeSpan Max { get; set; } = TimeSpan.FromDays(730);

    /// <summary>Factor a window grows by after an empty one, and shrinks by when the vendor rejects one.</summary>
    public int Factor { get; set; } = 2;
}

/// <summary>
/// A date-window cursor for APIs that must be read range by range: the window [<see cref="Start"/>, <see cref="End"/>)
/// within a walk ending at <see cref="Until"/> (epoch milliseconds, fixed when the walk starts so a resumed run reads
/// the same ranges). The window adapts: it grows while windows come back empty (years without sales cost a few
/// calls, not one per month) and shrinks when the vendor rejects a range (a timeout or an error on a broad range).
/// A window that held records keeps its size. Immutable; serialise it inside the stream's cursor.
/// </summary>
public sealed record DateWindow(
    [property: JsonPropertyName("window_start")] long Start,
    [property: JsonPropertyName("window_end")] long End,
    [property: JsonPropertyName("until")] long Until)
{
    /// <summary>The first window of a walk over [<paramref name="from"/>, <paramref name="until"/>); null when the range is empty.</summary>
    public static DateWindow? First(DateTimeOffset from, DateTimeOffset until, DateWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (start, end) = (from.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
        return start >= end ? null : Sized(start, Ms(options.Initial), end);
    }

    public DateTimeOffset StartsAt => DateTimeOffset.FromUnixTimeMilliseconds(Start);

    /// <summary>Exclusive end.</summary>
    public DateTimeOffset EndsAt => DateTimeOffset.FromUnixTimeMilliseconds(End);

    /// <summary>The window's length (the last window of a walk may be cut short by <see cref="Until"/>).</summary>
    public TimeSpan Size => TimeSpan.FromMilliseconds(End - Start);

    /// <summary>Whether the window and the walk are well formed (a stored cursor may be damaged).</summary>
    [JsonIgnore]
    public bool IsValid => Start < End && End <= Until;

    /// <summary>
    /// The window after this one: larger (by <see cref="DateWindowOptions.Factor"/>, up to the maximum) when this one
    /// was empty, the same size otherwise; null when the walk is done.
    /// </summary>
    public DateWindow? Next(bool wasEmpty, DateWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (End >= Until)
        {
            return null;
        }
        var size = End - Start;
        var nextSize = wasEmpty ? Math.Min(size * Math.Max(1, options.Factor), Ms(options.Max)) : Math.Max(size, Ms(options.Min));
        return Sized(End, nextSize, Until);
    }

    /// <summary>The same start with a smaller window, after the vendor rejected this range; null when it cannot shrink further.</summary>
    public DateWindow? Shrink(DateWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var size = End - Start;
        var min = Ms(options.Min);
        if (size <= min)
        {
            return null;
        }
        return Sized(Start, Math.Max(min, size / Math.Max(2, options.Factor)), Until);
    }

    private static DateWindow Sized(long start, long size, long until) => new(start, Math.Min(until, start + Math.Max(1, size)), until);

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;
}
