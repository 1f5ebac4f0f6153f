using System.Collections.Concurrent;
using System.Globalization;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;

namespace Platform.Connectors.GoHighLevel.Api;

/// <summary>
/// Paces each workspace's (location's) requests to HighLevel's burst window as its answers describe it:
/// <c>X-RateLimit-Max</c> requests per <c>X-RateLimit-Interval-Milliseconds</c> (documented 100 per 10 s, the defaults
/// until the first answer). A log of the last Max requests decides: a request may go while fewer than Max are in flight
/// or were answered during the last interval plus a small margin. A request counts from the moment its answer arrived,
/// not from when it was sent: HighLevel accepted it somewhere in between, so however long the network or a busy server
/// took, a slot is never reused while the server may still count it, and a long sync runs close to the limit without a
/// 429. When <c>X-RateLimit-Remaining</c> says less is left than the log thinks (another client of the same location, or
/// this connector before a restart), the difference is counted as spent; until the first answer of a location arrives
/// only one request is in flight, so a restarted connector learns what its previous life spent before it sends more.
/// A spent daily quota (<c>X-RateLimit-Daily-Remaining: 0</c>) fails the run with the reason instead of retrying until
/// midnight.
/// </summary>
public sealed class GhlRatePacer(TimeProvider clock)
{
    /// <summary>Documented burst limit, used until an answer says otherwise.</summary>
    public const int DefaultMax = 100;

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often a request waiting for in-flight requests (whose answers free slots) looks again.</summary>
    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, Window> _windows = new();

    /// <summary>Share of the interval added as margin (clock granularity; latency is covered by counting from the answer).</summary>
    public double Margin { get; init; } = 0.02;

    /// <summary>One request in the log: in flight, or answered at <see cref="At"/>.</summary>
    public sealed class Slot
    {
        internal DateTimeOffset At;
        internal bool Answered;
    }

    private sealed class Window
    {
        public readonly List<Slot> Slots = [];
        public int Max = DefaultMax;
        public TimeSpan Interval = DefaultInterval;
        public long? DailyRemaining;
        public int? DailyLimit;
        public bool Observed;
    }

    /// <summary>Waits until the workspace may send one more request, and counts it as in flight.</summary>
    public async Task<Slot> WaitTurnAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var window = _windows.GetOrAdd(workspaceId, _ => new Window());
        while (true)
        {
            TimeSpan wait;
            lock (window)
            {
                if (window.DailyRemaining is 0)
                {
                    throw new SourceException("rate_limited",
                        $"GoHighLevel's daily limit of {window.DailyLimit?.ToString(CultureInfo.InvariantCulture) ?? "200,000"} requests for this location is used up " +
                        "(X-RateLimit-Daily-Remaining: 0); run the sync again tomorrow.");
                }
                var now = clock.GetUtcNow();
                var span = window.Interval + (window.Interval * Margin);
                window.Slots.RemoveAll(s => s.Answered && s.At <= now - span);
                var inFlight = window.Slots.Count(s => !s.Answered);
                if (window.Slots.Count < window.Max && (window.Observed || inFlight == 0))
                {
                    var slot = new Slot { At = now };
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
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), clock, cancellationToken);
        }
    }

    /// <summary>The request of <paramref name="slot"/> was answered (or failed): it counts from now, and its headers are read.</summary>
    public void Answered(string workspaceId, Slot slot, HttpResponseMessage? response)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var window = _windows.GetOrAdd(workspaceId, _ => new Window());
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
            if (Header(response, "X-RateLimit-Max") is { } max)
            {
                // 0: the server enforces no burst limit (a test or benchmark setting); nothing to pace.
                window.Max = max > 0 ? (int)Math.Min(max, 10_000) : int.MaxValue;
            }
            if (Header(response, "X-RateLimit-Interval-Milliseconds") is { } interval && interval > 0)
            {
                window.Interval = TimeSpan.FromMilliseconds(interval);
            }
            if (Header(response, "X-RateLimit-Limit-Daily") is { } daily)
            {
                window.DailyLimit = (int)Math.Min(daily, int.MaxValue);
            }
            window.DailyRemaining = Header(response, "X-RateLimit-Daily-Remaining") ?? window.DailyRemaining;
            if (window.Max != int.MaxValue && Header(response, "X-RateLimit-Remaining") is { } remaining)
            {
                // Someone else spent part of this window: fill the log so this client waits for it too.
                var thinks = window.Max - window.Slots.Count;
                for (var i = remaining; i < thinks && window.Slots.Count < window.Max; i++)
                {
                    window.Slots.Add(new Slot { At = now, Answered = true });
                }
            }
        }
    }

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

/// <summary>Waits for the pacer before every attempt and tells it when the answer came.</summary>
public sealed class GhlRateLimitHandler(GhlRatePacer pacer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = request.Options.TryGetValue(SourceRequest.Workspace, out var w) ? w : "_";
        var slot = await pacer.WaitTurnAsync(workspace, cancellationToken);
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
