using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Accounts;

namespace Platform.SourceSimulator.Traffic;

/// <summary>Why a request is not answered normally.</summary>
internal abstract record GateVerdict;

/// <summary>429 with Retry-After.</summary>
internal sealed record Throttled(int RetryAfterSeconds, bool FromFault) : GateVerdict;

/// <summary>A server error (500, 503…).</summary>
internal sealed record Failed(int Status) : GateVerdict;

/// <summary>401: the credential stopped working.</summary>
internal sealed record Revoked : GateVerdict;

/// <summary>
/// What every vendor request passes before its handler: it is counted, the faults asked for are applied (delays,
/// errors, 401s, 429s), then the credential's rate limit. The handler then checks the credential itself.
/// </summary>
internal sealed class VendorGate(TrafficStats stats, FaultInjector faults, IOptions<SimulatorOptions> options, TimeProvider time)
{
    public async Task<GateVerdict?> PassAsync(Vendor source, string credential, Account? account, CancellationToken cancellationToken)
    {
        var limit = EffectiveLimit(source, account);
        var traffic = stats.For(source, credential);
        traffic.Record(time.GetUtcNow(), limit.Period);
        var effect = faults.Evaluate(source, credential);
        if (effect.Delay > TimeSpan.Zero)
        {
            await Task.Delay(effect.Delay, time, cancellationToken);
        }
        if (effect.Verdict is not null)
        {
            if (effect.Verdict is Throttled)
            {
                traffic.Throttle();
            }
            return effect.Verdict;
        }
        if (limit.Permits > 0 && !traffic.TryAcquire(time.GetUtcNow(), limit.Permits, limit.Period, out var retryAfter))
        {
            return new Throttled(Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)), FromFault: false);
        }
        return null;
    }

    public RateLimitSettings EffectiveLimit(Vendor source, Account? account) => account?.RateLimit ?? options.Value.RateLimitFor(source);
}
