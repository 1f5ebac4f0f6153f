using System.Collections.Concurrent;
using System.Globalization;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;

namespace Platform.Connectors.GoHighLevel.Api;

/// <summary>
/// Paces each workspace's (location's) requests to HighLevel's burst window as its answers describe it:
/// <c>X-RateLimit-Max</c> requests per <c>X-RateLimit-Interval-Milliseconds</c> (documented 100 per 10 s, the defaults
/// until the first answer). A sliding log of send times lets a request go when fewer than Max were sent during the last
/// interval plus a margin (network jitter must not push two windows' requests into one at the server), so a long sync
/// runs at about 95 % of the limit without a 429. When <c>X-RateLimit-Remaining</c> says less is left than the log
/// thinks (another client of the same location), the difference is counted as spent. A spent daily quota
/// (<c>X-RateLimit-Daily-Remaining: 0</c>) fails the run with the reason instead of retrying until midnight.
/// </summary>
public sealed class GhlRatePacer(TimeProvider clock)
{
    /// <summary>Documented burst limit, used until an answer says otherwise.</summary>
    public const int DefaultMax = 100;

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Window> _windows = new();

    /// <summary>Share of the interval added as margin.</summary>
    public double Margin { get; init; } = 0.05;

    private sealed class Window
    {
        public readonly Queue<DateTimeOffset> Sent = new();
        public int Max = DefaultMax;
        public TimeSpan Interval = DefaultInterval;
        public long? DailyRemaining;
        public int? DailyLimit;
    }

    /// <summary>Waits until the workspace may send one more request, and counts it as sent.</summary>
    public async Task WaitTurnAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var window = _windows.GetOrAdd(workspaceId, _ => new Window());
        {
            if (window.DailyRemaining is 0)
            {
                throw new SourceException("rate_limited",
                    $"GoHighLevel's daily limit of {window.DailyLimit?.ToString(CultureInfo.InvariantCulture) ?? "200,000"} requests for this location is used up " +
                    "(X-RateLimit-Daily-Remaining: 0); run the sync again tomorrow.");
            }
            while (true)
            {
                TimeSpan wait;
                lock (window)
                {
                    var now = clock.GetUtcNow();
                    var span = window.Interval + (window.Interval * Margin);
                    while (window.Sent.Count > 0 && window.Sent.Peek() <= now - span)
                    {
                        window.Sent.Dequeue();
                    }
                    if (window.Sent.Count < window.Max)
                    {
                        window.Sent.Enqueue(now);
                        return;
                    }
                    wait = window.Sent.Peek() + span - now;
                }
                await Task.Delay(wait, clock, cancellationToken);
            }
        }
    }

    /// <summary>Reads the <c>X-RateLimit-*</c> headers of an answer.</summary>
    public void Observe(string workspaceId, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var window = _windows.GetOrAdd(workspaceId, _ => new Window());
        lock (window)
        {
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
                var thinks = window.Max - window.Sent.Count;
                var now = clock.GetUtcNow();
                for (var i = remaining; i < thinks && window.Sent.Count < window.Max; i++)
                {
                    window.Sent.Enqueue(now);
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

/// <summary>Waits for the pacer before every attempt and feeds it every answer.</summary>
public sealed class GhlRateLimitHandler(GhlRatePacer pacer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = request.Options.TryGetValue(SourceRequest.Workspace, out var w) ? w : "_";
        await pacer.WaitTurnAsync(workspace, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        pacer.Observe(workspace, response);
        return response;
    }
}
