using System.Collections.Concurrent;
using System.Globalization;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.Http;

/// <summary>
/// The names of the headers in which a source describes its rate window (GoHighLevel: <c>X-RateLimit-Max</c> requests per
/// <c>X-RateLimit-Interval-Milliseconds</c>, <c>X-RateLimit-Remaining</c>, <c>X-RateLimit-Limit-Daily</c>,
/// <c>X-RateLimit-Daily-Remaining</c>). Set on <see cref="SourceHttpOptions.RateLimitHeaders"/>, the SDK paces each
/// workspace to that window (<see cref="HeaderRatePacer"/>) instead of its token bucket.
/// </summary>
public sealed class RateLimitHeaders
{
    /// <summary>Requests allowed per interval (0: the server enforces no burst limit).</summary>
    public string Max { get; set; } = "X-RateLimit-Max";

    public string IntervalMilliseconds { get; set; } = "X-RateLimit-Interval-Milliseconds";

    /// <summary>Requests left in the current interval.</summary>
    public string Remaining { get; set; } = "X-RateLimit-Remaining";

    /// <summary>Requests allowed per day (optional; empty when the source sends none).</summary>
    public string? DailyLimit { get; set; } = "X-RateLimit-Limit-Daily";

    /// <summary>Requests left today: 0 fails the run with the reason instead of retrying until midnight.</summary>
    public string? DailyRemaining { get; set; } = "X-RateLimit-Daily-Remaining";

    /// <summary>The vendor as people know it, for the daily-limit message.</summary>
    public string SourceName { get; set; } = "The source";
}

/// <summary>
/// Paces each workspace's requests to the source's burst window as its answers describe it (<see cref="RateLimitHeaders"/>;
/// GoHighLevel: <c>X-RateLimit-Max</c> requests per <c>X-RateLimit-Interval-Milliseconds</c>, documented 100 per 10 s per
/// location; the source's documented figures are the defaults until the first answer). A log of the last Max requests decides: a request may go while fewer than Max are in flight
/// or were answered during the last interval plus a small margin. A request counts from the moment its answer arrived,
/// not from when it was sent: the source accepted it somewhere in between, so however long the network or a busy server
/// took, a slot is never reused while the server may still count it, and a long sync runs close to the limit without a
/// 429. When <c>X-RateLimit-Remaining</c> says less is left than the log thinks (another client of the same location, or
/// this connector before a restart), the difference is counted as spent; when it says more is left (those requests have
/// left the source's window), the log drops its oldest answered requests down to what the source counts; until the first answer of a location arrives
/// only one request is in flight, so a restarted connector learns what its previous life spent before it sends more.
/// A spent daily quota (daily remaining 0) fails the run with the reason instead of retrying until midnight.
/// Lives as long as the process (one per source): HttpClientFactory recycles handlers, the windows must outlive them.
/// </summary>
public sealed class HeaderRatePacer(TimeProvider clock, RateLimitHeaders headers, int defaultMax, TimeSpan defaultInterval)
{

    /// <summary>How often a request waiting for in-flight requests (whose answers free slots) looks again.</summary>
    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, Window> _windows = new();

    /// <summary>Share of the interval added as margin (clock granularity; latency is covered by counting from the answer).</summary>
    public double Margin { get; init; } = 0.02;

    /// <summary>One request in the log: in flight, or answered at <see cref="At"/>.</summary>
    public sealed class Slot
    {
        internal DateTimeOffset At;
        /// <summary>When the request was let go (a slot that stands for another client's request: the earliest time).</summary>
        internal DateTimeOffset SentAt;
        internal bool Answered;

        /// <summary>Whether the request had to wait for its turn.</summary>
        public bool Waited { get; internal set; }
    }

    private Window NewWindow() => new() { Max = defaultMax, Interval = defaultInterval };

    private sealed class Window
    {
        public readonly List<Slot> Slots = [];
        public int Max;
        public TimeSpan Interval;
        public long? DailyRemaining;
        public int? DailyLimit;
        public bool Observed;
    }

    /// <summary>Waits until the workspace may send one more request, and counts it as in flight.</summary>
    public async Task<Slot> WaitTurnAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var window = _windows.GetOrAdd(workspaceId, _ => NewWindow());
        var waited = false;
        while (true)
        {
            TimeSpan wait;
            lock (window)
            {
                if (window.DailyRemaining is 0)
                {
                    throw new SourceException("rate_limited",
                        $"{headers.SourceName}'s daily limit of {window.DailyLimit?.ToString(CultureInfo.InvariantCulture) ?? "its"} requests for this account is used up " +
                        $"({headers.DailyRemaining}: 0); run the sync again tomorrow.");
                }
                var now = clock.GetUtcNow();
                var span = window.Interval + (window.Interval * Margin);
                window.Slots.RemoveAll(s => s.Answered && s.At <= now - span);
                var inFlight = window.Slots.Count(s => !s.Answered);
                if (window.Slots.Count < window.Max && (window.Observed || inFlight == 0))
                {
                    var slot = new Slot { At = now, SentAt = now, Waited = waited };
                    window.Slots.Add(slot);
                    return slot;
                }
                var oldestAnswered = window.Slots.Where(s => s.Answered).Select(s => (DateTimeOffset?)s.At).Min();
                wait = window.Observed && oldestAnswered is { } oldest && window.Slots.Count >= window.Max
                    ? oldest + span - now
                    : InFlightPoll;
                if (inFlight > 0 && wait > InFlightPoll)
                {
                    // An answer on its way may free a slot sooner (a 429's headers, another client's share).
                    wait = InFlightPoll * 5;
                }
            }
            waited = true;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), clock, cancellationToken);
        }
    }

    /// <summary>The request of <paramref name="slot"/> was answered (or failed): it counts from now, and its headers are read.</summary>
    public void Answered(string workspaceId, Slot slot, HttpResponseMessage? response)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var window = _windows.GetOrAdd(workspaceId, _ => NewWindow());
        lock (window)
        {
            var now = clock.GetUtcNow();
            slot.At = now;
            slot.Answered = true;
            if (response is null)
            {
                return;
            }
            window.Observed = true;
            if (Header(response, headers.Max) is { } max)
            {
                // 0: the server enforces no burst limit (a test or benchmark setting); nothing to pace.
                window.Max = max > 0 ? (int)Math.Min(max, 10_000) : int.MaxValue;
            }
            if (Header(response, headers.IntervalMilliseconds) is { } interval && interval > 0)
            {
                window.Interval = TimeSpan.FromMilliseconds(interval);
            }
            if (Header(response, headers.DailyLimit) is { } daily)
            {
                window.DailyLimit = (int)Math.Min(daily, int.MaxValue);
            }
            window.DailyRemaining = Header(response, headers.DailyRemaining) ?? window.DailyRemaining;
            if (window.Max != int.MaxValue && Header(response, headers.Remaining) is { } remaining)
            {
                // Someone else spent part of this window: fill the log so this client waits for it too.
                var thinks = window.Max - window.Slots.Count;
                for (var i = remaining; i < thinks && window.Slots.Count < window.Max; i++)
                {
                    window.Slots.Add(new Slot { At = now, SentAt = DateTimeOffset.MinValue, Answered = true });
                }
                // The source counts fewer than the log (requests counted from their answers, or spent before a restart and
                // counted as spent now, have left its window). The source counted when it handled this request, so only
                // requests let go before this one can be known to have left: of those, the log keeps as many as the source
                // counts, the newest; every request let go after this one stays (the source may not have seen it yet, and
                // its answer may already be in), so the log never counts fewer than the source does.
                var counted = (int)Math.Min(window.Max, window.Max - remaining);
                var earlier = window.Slots.Where(s => s.Answered && s.SentAt <= slot.SentAt).ToList();
                if (earlier.Count > counted)
                {
                    var oldest = earlier.OrderBy(s => s.At).Take(earlier.Count - counted).ToHashSet();
                    window.Slots.RemoveAll(oldest.Contains);
                }
            }
        }
    }

    private static long? Header(HttpResponseMessage response, string? name) =>
        name is { Length: > 0 } && response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

/// <summary>Waits for the pacer before every attempt (retries included) and tells it when the answer came.</summary>
public sealed class HeaderRatePacingHandler(HeaderRatePacer pacer, SourceHttpCounters counters) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = request.Options.TryGetValue(SourceRequest.Workspace, out var w) ? w : "_";
        var slot = await pacer.WaitTurnAsync(workspace, cancellationToken);
        if (slot.Waited)
        {
            counters.Waited(workspace);
        }
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            return response;
        }
        finally
        {
            pacer.Answered(workspace, slot, response);
        }
    }
}
