using System.Globalization;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.PayPal.Streams;

/// <summary>
/// Where a walk through Transaction Search stands: the window's start (windows are at most 31 days) and the page in it.
/// The cursor is <c>{unix seconds}:{page}</c>. The walk starts at the sync's lower bound (three years back for a full
/// sync, PayPal's limit) and ends three hours before now (transactions take up to three hours to appear) or at the
/// range's end.
/// </summary>
public sealed record TransactionWindow(DateTimeOffset Start, DateTimeOffset End, int Page)
{
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(31);

    /// <summary>Transaction Search lags this far behind.</summary>
    public static readonly TimeSpan Latency = TimeSpan.FromHours(3);

    /// <summary>How far back Transaction Search goes (a day less, so the first window is never refused).</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays((3 * 365) - 1);

    public static TransactionWindow At(StreamReadContext context, string? cursor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        var last = Last(context, now);
        DateTimeOffset start;
        var page = 1;
        if (cursor is null)
        {
            start = context.Since is { } since && since > now - History ? since : now - History;
        }
        else
        {
            var colon = cursor.IndexOf(':', StringComparison.Ordinal);
            start = DateTimeOffset.FromUnixTimeSeconds(long.Parse(cursor[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture));
            page = int.Parse(cursor[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
        start = new DateTimeOffset(start.UtcDateTime.Ticks - (start.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var end = start + MaxSpan < last ? start + MaxSpan : last;
        return new TransactionWindow(start, end, page);
    }

    /// <summary>The end of the walk: the range's end, or three hours ago.</summary>
    public static DateTimeOffset Last(StreamReadContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        var visible = now - Latency;
        var last = context.Until is { } until && until < visible ? until : visible;
        return new DateTimeOffset(last.UtcDateTime.Ticks - (last.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>The cursor after this page: the next page, the next window, or null at the end.</summary>
    public string? Next(int totalPages, DateTimeOffset last)
    {
        if (Page < totalPages)
        {
            return Cursor(Start, Page + 1);
        }
        return End >= last ? null : Cursor(End, 1);
    }

    /// <summary>RFC 3339 with seconds, as the API wants it.</summary>
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Cursor(DateTimeOffset start, int page) =>
        $"{start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}:{page.ToString(CultureInfo.InvariantCulture)}";
}
