using Microsoft.Extensions.DependencyInjection;
using Platform.Connectors.Http;
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
    /// the returned builder (auth, vendor-specific pacing) run inside, once per attempt; <paramref name="authentication"/>
    /// (<see cref="ConnectorBuilder.OAuth"/>) runs outside them, so its token requests are retried and paced like any call.
    /// </summary>
    public static IHttpClientBuilder AddSourceApiClient<TApi>(this ConnectorBuilder connector, SourceHttpOptions defaults, bool sdkRateLimit = true,
        Func<IServiceProvider, DelegatingHandler>? authentication = null)
        where TApi : class
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(defaults);
        // The same base address, resilience and rate limit as AddSourceApi; handlers added to the result run inside them.
        // Refit's own JSON options, with JsonDocument and JsonPage answers parsed into pooled buffers.
        var builder = connector.Host.Services.AddRefitGeneratedClient<TApi>(
            SourceJsonContentSerializer.Settings(SystemTextJsonContentSerializer.GetDefaultJsonSerializerOptions()));
        connector.WithSourceHandlers(builder, connector.BindHttpOptions(defaults), authentication, rateLimit: sdkRateLimit);
        return builder;
    }
}
