using Platform.SourceSimulator.Accounts;

namespace Platform.SourceSimulator.Traffic;

/// <summary>The faults a test can ask for.</summary>
internal static class FaultKinds
{
    /// <summary>The next N requests answer 500 or 503 (alternately, or <c>status</c>).</summary>
    public const string Error5xx = "error5xx";

    /// <summary>The next N requests are answered after D ms.</summary>
    public const string Slow = "slow";

    /// <summary>From the K-th request on (1: the next one), every request answers 401, as when a key is revoked mid-run.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The next N requests answer 429 with Retry-After S seconds.</summary>
    public const string RateLimit = "rateLimit";

    public static readonly IReadOnlyList<string> All = [Error5xx, Slow, Unauthorized, RateLimit];
}

/// <summary>A fault as registered; <see cref="Remaining"/> counts down, <see cref="Seen"/> counts matching requests.</summary>
internal sealed class Fault
{
    public required Guid Id { get; init; }
    public required Vendor Source { get; init; }

    /// <summary>The account key (Hotmart: client_id); null for every credential of the source.</summary>
    public string? Credential { get; init; }
    public required string Kind { get; init; }
    public int Remaining { get; set; }
    public int DelayMs { get; init; }
    public int FromRequest { get; init; }
    public int RetryAfterSeconds { get; init; }
    public int? Status { get; init; }
    public int Seen { get; set; }
    public int Applied { get; set; }
}

/// <summary>What the faults decided for one request.</summary>
internal sealed record FaultEffect(TimeSpan Delay, GateVerdict? Verdict);

internal sealed class FaultInjector
{
    private readonly object _sync = new();
    private readonly List<Fault> _faults = [];

    public void Add(Fault fault)
    {
        lock (_sync)
        {
            _faults.Add(fault);
        }
    }

    public IReadOnlyList<Fault> List()
    {
        lock (_sync)
        {
            return [.. _faults];
        }
    }

    public int Clear(Vendor? source, string? credential)
    {
        lock (_sync)
        {
            return _faults.RemoveAll(f => (source is null || f.Source == source) && (credential is null || f.Credential == credential));
        }
    }

    /// <summary>Applies the faults that match a request; the first one that answers wins, delays add up.</summary>
    public FaultEffect Evaluate(Vendor source, string credential)
    {
        lock (_sync)
        {
            var delay = TimeSpan.Zero;
            GateVerdict? verdict = null;
            foreach (var fault in _faults.Where(f => f.Source == source && (f.Credential is null || f.Credential == credential)).ToList())
            {
                switch (fault.Kind)
                {
                    case FaultKinds.Unauthorized:
                        fault.Seen++;
                        if (fault.Seen >= fault.FromRequest && verdict is null)
                        {
                            fault.Applied++;
                            verdict = new Revoked();
                        }
                        break;
                    case FaultKinds.Slow when fault.Remaining > 0:
                        fault.Remaining--;
                        fault.Applied++;
                        delay += TimeSpan.FromMilliseconds(fault.DelayMs);
                        break;
                    case FaultKinds.Error5xx when fault.Remaining > 0 && verdict is null:
                        fault.Remaining--;
                        fault.Applied++;
                        verdict = new Failed(fault.Status ?? (fault.Applied % 2 == 1 ? 500 : 503));
                        break;
                    case FaultKinds.RateLimit when fault.Remaining > 0 && verdict is null:
                        fault.Remaining--;
                        fault.Applied++;
                        verdict = new Throttled(fault.RetryAfterSeconds, FromFault: true);
                        break;
                }
                if (fault.Kind != FaultKinds.Unauthorized && fault.Remaining <= 0)
                {
                    _faults.Remove(fault);
                }
            }
            return new FaultEffect(delay, verdict);
        }
    }
}
