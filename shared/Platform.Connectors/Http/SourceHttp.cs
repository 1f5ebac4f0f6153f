using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.Http;

/// <summary>
/// HTTP behaviour of one source API (<c>Connectors:{Source}:Http</c>): base address, the vendor's documented
/// rate limit as a token bucket per workspace, timeouts, retries and the circuit breaker.
/// </summary>
public sealed class SourceHttpOptions
{
    /// <summary>The API's base address (the vendor's by default; the source simulator's in tests and demos).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Requests allowed per <see cref="RatePeriod"/> per workspace; 0 turns rate limiting off (benchmarks).</summary>
    public int RatePermits { get; set; } = 25;

    public TimeSpan RatePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When the source describes its window in its answers' headers (GoHighLevel's <c>X-RateLimit-*</c>), their names:
    /// each workspace is then paced to that window (<see cref="HeaderRatePacer"/>, <see cref="RatePermits"/> per
    /// <see cref="RatePeriod"/> until the first answer) instead of the token bucket, which keeps 10 % in reserve.
    /// </summary>
    public RateLimitHeaders? RateLimitHeaders { get; set; }

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; set; } = 6;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between retries, <c>Retry-After</c> included (a longer Retry-After is capped to this).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive-failure ratio over <see cref="BreakerWindow"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.8;

    public TimeSpan BreakerWindow { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Per-workspace counters the runner reports as a run's retries and rate-limit waits.</summary>
public sealed class SourceHttpCounters
{
    private readonly ConcurrentDictionary<string, long[]> _byWorkspace = new();

    public (long Retries, long RateLimitWaits) Snapshot(string workspaceId)
    {
        var counters = _byWorkspace.GetOrAdd(workspaceId, _ => new long[2]);
        return (Interlocked.Read(ref counters[0]), Interlocked.Read(ref counters[1]));
    }

    internal void Retried(string workspaceId) => Interlocked.Increment(ref _byWorkspace.GetOrAdd(workspaceId, _ => new long[2])[0]);

    internal void Waited(string workspaceId) => Interlocked.Increment(ref _byWorkspace.GetOrAdd(workspaceId, _ => new long[2])[1]);
}

/// <summary>Request options the handlers read.</summary>
public static class SourceRequest
{
    /// <summary>Name of the request option that carries the workspace (Refit: <c>[Property(SourceRequest.WorkspaceKey)] string workspaceId</c>).</summary>
    public const string WorkspaceKey = "platform.workspace";

    /// <summary>The workspace a request is made for: its rate-limit bucket, counters and credentials.</summary>
    public static readonly HttpRequestOptionsKey<string> Workspace = new(WorkspaceKey);

    /// <summary>Tags a request with its workspace.</summary>
    public static HttpRequestMessage ForWorkspace(this HttpRequestMessage request, string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Workspace, workspaceId);
        return request;
    }

    /// <summary>The request's workspace, or <c>_</c> when it was not tagged.</summary>
    public static string WorkspaceOf(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(Workspace, out var workspace) ? workspace : "_";
    }
}

/// <summary>
/// Waits for a token of the workspace's bucket before every attempt (retries included), so a backfill never
/// goes over the source's limit and keeps close to it.
/// </summary>
public sealed class RateLimitHandler(SourceRateLimiter limiter, SourceHttpCounters counters) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = SourceRequest.WorkspaceOf(request);
        var bucket = limiter.For(workspace);
        if (bucket is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        using var immediate = bucket.AttemptAcquire(1);
        if (immediate.IsAcquired)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        counters.Waited(workspace);
        using var lease = await bucket.AcquireAsync(1, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// The token buckets of one source, one per workspace. Lives as long as the process (HttpClientFactory
/// recycles handlers every few minutes; the buckets must outlive them).
/// </summary>
public sealed class SourceRateLimiter(SourceHttpOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new();

    /// <summary>The workspace's bucket; null when rate limiting is off.</summary>
    public TokenBucketRateLimiter? For(string workspaceId) => options.RatePermits <= 0 ? null :
        _buckets.GetOrAdd(workspaceId, _ => new TokenBucketRateLimiter(Bucket(options.RatePermits, options.RatePeriod)));

    /// <summary>
    /// A small bucket (a tenth of the limit) refilled in steps of that burst. A window of one period may hold a full
    /// bucket and one more refill than the period divided by the refill interval (a refill at each edge), so the refills
    /// are spaced for the limit minus two bursts, and 5 % wider again: the requests' arrival at the source jitters by
    /// a few milliseconds. No window of one period then sees more than the limit at the source (a Stripe test saw 21
    /// of 20 with refills spaced for the limit minus one burst); a long run keeps at about 75-80 % of it.
    /// </summary>
    public static TokenBucketRateLimiterOptions Bucket(int permits, TimeSpan period)
    {
        var burst = Math.Max(1, permits / 10);
        var steady = Math.Max(1, permits - 2 * burst);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = burst,
            ReplenishmentPeriod = period * burst / steady * 1.05,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }
}

/// <summary>
/// Polly pipeline around each request: retries with exponential backoff and jitter on 5xx, 408, 429 and
/// network errors, honouring <c>Retry-After</c>; a circuit breaker; a timeout per attempt. 401 and 403 are
/// never retried: they mean the credentials must change.
/// </summary>
public sealed partial class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    /// <summary>Builds the pipeline once per source (its circuit breaker state must outlive recycled handlers).</summary>
    public static ResiliencePipeline<HttpResponseMessage> BuildPipeline(SourceHttpOptions options, SourceHttpCounters counters, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.RetryMaxDelay)),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    counters.Retried(SourceRequest.WorkspaceOf(request));
                    LogRetry(logger, request.RequestUri?.AbsolutePath, (int?)args.Outcome.Result?.StatusCode,
                        args.Outcome.Exception?.GetType().Name, args.RetryDelay, args.AttemptNumber + 1);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.BreakerFailureRatio,
                SamplingDuration = options.BreakerWindow,
                MinimumThroughput = 10,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("platform.request");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await pipeline.ExecuteAsync(
                async (ctx, state) => await state.Handler.BaseSend(state.Request, ctx.CancellationToken),
                context, (Handler: this, Request: request));
        }
        catch (BrokenCircuitException ex)
        {
            throw new SourceException("source_unavailable",
                $"{request.RequestUri?.Host} kept failing; requests are paused for a while (circuit open). Last error: {ex.Message}", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SourceException("source_unavailable", $"{request.RequestUri?.Host} did not answer in time after retries.", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> BaseSend(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException or IOException
        || (outcome.Result is { } response && ((int)response.StatusCode >= 500
            || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests));

    /// <summary>The server's Retry-After (seconds or date) when it sent one, capped; otherwise Polly's backoff.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is null)
        {
            return null;
        }
        return wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value > cap ? cap : wait.Value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {Path} after {Status}{Exception} in {Delay} (attempt {Attempt})")]
    private static partial void LogRetry(ILogger logger, string? path, int? status, string? exception, TimeSpan delay, int attempt);
}

/// <summary>Turns a non-success answer into a <see cref="SourceException"/> a person can act on (hand-written clients; Refit clients use <see cref="SourceApiResponses"/>).</summary>
public static class SourceResponses
{
    public static async Task EnsureSuccessAsync(this HttpResponseMessage response, string source, string workspaceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}";
        throw new SourceApiErrors(source).ForStatus(response.StatusCode, workspaceId, what, body);
    }
}
