using System.Collections.Concurrent;
using Platform.SourceSimulator.Accounts;

namespace Platform.SourceSimulator.Traffic;

/// <summary>What a test reads to check that a connector kept to the limit.</summary>
internal sealed record TrafficSnapshot(
    string Source,
    string Credential,
    long Requests,
    long Throttled,
    int MaxRequestsInAnyWindow,
    double WindowSeconds,
    int? LimitPermits,
    IReadOnlyList<SecondCount> PerSecond);

/// <summary>Requests received during one second (Unix seconds).</summary>
internal sealed record SecondCount(long Second, int Requests);

/// <summary>
/// Traffic of one credential of one source: counters, the sliding window that gives the peak, and the log of
/// accepted requests the rate limiter decides on.
/// </summary>
internal sealed class CredentialTraffic
{
    private const int PerSecondHistory = 600;

    private readonly object _sync = new();
    private readonly Queue<long> _window = new();
    private readonly Queue<long> _accepted = new();
    private readonly SortedDictionary<long, int> _perSecond = [];
    private long _requests;
    private long _throttled;
    private int _maxInWindow;

    /// <summary>Counts a request, whatever its answer; <paramref name="period"/> is the window of the peak.</summary>
    public void Record(DateTimeOffset now, TimeSpan period)
    {
        lock (_sync)
        {
            _requests++;
            var ticks = now.UtcTicks;
            _window.Enqueue(ticks);
            while (_window.Count > 0 && _window.Peek() <= ticks - period.Ticks)
            {
                _window.Dequeue();
            }
            _maxInWindow = Math.Max(_maxInWindow, _window.Count);
            var second = now.ToUnixTimeSeconds();
            _perSecond[second] = _perSecond.GetValueOrDefault(second) + 1;
            while (_perSecond.Count > PerSecondHistory)
            {
                _perSecond.Remove(_perSecond.Keys.First());
            }
        }
    }

    /// <summary>
    /// A sliding-window log: the request is accepted when fewer than <paramref name="permits"/> were accepted during the
    /// last <paramref name="period"/>; otherwise the answer is how long until the oldest of them leaves the window.
    /// </summary>
    public bool TryAcquire(DateTimeOffset now, int permits, TimeSpan period, out TimeSpan retryAfter)
    {
        lock (_sync)
        {
            var ticks = now.UtcTicks;
            while (_accepted.Count > 0 && _accepted.Peek() <= ticks - period.Ticks)
            {
                _accepted.Dequeue();
            }
            if (_accepted.Count >= permits)
            {
                _throttled++;
                retryAfter = TimeSpan.FromTicks(_accepted.Peek() + period.Ticks - ticks);
                return false;
            }
            _accepted.Enqueue(ticks);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>Requests the limiter accepted during the last <paramref name="period"/> (what X-RateLimit-Remaining is computed from).</summary>
    public int AcceptedInWindow(DateTimeOffset now, TimeSpan period)
    {
        lock (_sync)
        {
            var ticks = now.UtcTicks;
            return _accepted.Count(t => t > ticks - period.Ticks);
        }
    }

    /// <summary>Every request counted so far (a day's quota, for a simulator that lives less than a day).</summary>
    public long Requests
    {
        get
        {
            lock (_sync)
            {
                return _requests;
            }
        }
    }

    /// <summary>Counts a 429 that a fault, not the limiter, answered.</summary>
    public void Throttle()
    {
        lock (_sync)
        {
            _throttled++;
        }
    }

    public TrafficSnapshot Snapshot(string source, string credential, TimeSpan period, int? permits)
    {
        lock (_sync)
        {
            return new TrafficSnapshot(source, credential, _requests, _throttled, _maxInWindow, period.TotalSeconds, permits,
                [.. _perSecond.Select(p => new SecondCount(p.Key, p.Value))]);
        }
    }
}

/// <summary>Traffic per source and credential (the presented one, so unknown credentials are counted too).</summary>
internal sealed class TrafficStats
{
    private readonly ConcurrentDictionary<(Vendor, string), CredentialTraffic> _traffic = new();

    public CredentialTraffic For(Vendor source, string credential) => _traffic.GetOrAdd((source, credential), _ => new CredentialTraffic());

    public CredentialTraffic? Find(Vendor source, string credential) => _traffic.GetValueOrDefault((source, credential));

    public int Reset(Vendor? source, string? credential)
    {
        var removed = 0;
        foreach (var key in _traffic.Keys)
        {
            if ((source is null || key.Item1 == source) && (credential is null || key.Item2 == credential) && _traffic.TryRemove(key, out _))
            {
                removed++;
            }
        }
        return removed;
    }
}
