using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Platform.Connectors.Http;
using Polly;
using Refit;

namespace Platform.Connectors.Hosting;

/// <summary>How a source's Refit interface is registered behind the SDK's resilience and rate limit.</summary>
public static class SourceApiRegistration
{
    /// <summary>
    /// The Refit request property that carries the workspace (its rate-limit bucket and counters): mark the parameter
    /// <c>[Property(SourceApiRegistration.WorkspaceProperty)] string workspaceId</c>.
    /// </summary>
    public const string WorkspaceProperty = "platform.workspace";

    /// <summary>
    /// Registers <typeparamref name="TApi"/> (a Refit interface, source-generated: <c>AddRefitGeneratedClient</c>) with
    /// the SDK's resilience pipeline outermost (retries, Retry-After, circuit breaker, attempt timeout) and, unless
    /// <paramref name="sdkRateLimit"/> is false, the per-workspace token bucket inside it. <paramref name="defaults"/>
    /// are the vendor's documented values; <c>Connectors:{Source}:Http</c> overrides them. Handlers the caller adds to
    /// the returned builder (auth, vendor-specific pacing) run inside, once per attempt.
    /// </summary>
    public static IHttpClientBuilder AddSourceApiClient<TApi>(this ConnectorBuilder connector, SourceHttpOptions defaults, bool sdkRateLimit = true)
        where TApi : class
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(defaults);
        connector.Host.Configuration.GetSection($"Connectors:{connector.Descriptor.Source}:Http").Bind(defaults);
        var options = defaults;
        connector.Host.Services.TryAddSingleton<SourceHttpCounters>();
        var limiter = new SourceRateLimiter(options);
        ResiliencePipeline<HttpResponseMessage>? pipeline = null;
        var builder = connector.Host.Services.AddRefitGeneratedClient<TApi>()
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = options.BaseAddress
                    ?? throw new InvalidOperationException($"Connectors:{connector.Descriptor.Source}:Http:BaseAddress is not set.");
                // The resilience handler times out each attempt; this only bounds the whole call.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler(services => new ResilienceHandler(pipeline ??= ResilienceHandler.BuildPipeline(options,
                services.GetRequiredService<SourceHttpCounters>(), services.GetRequiredService<ILogger<ResilienceHandler>>())));
        if (sdkRateLimit)
        {
            builder.AddHttpMessageHandler(services => new RateLimitHandler(limiter, services.GetRequiredService<SourceHttpCounters>()));
        }
        return builder;
    }
}
