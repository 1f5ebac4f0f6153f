using Platform.Gateway.Health;
using Platform.ServiceDefaults;

namespace Platform.Gateway.Hosting;

internal static class ReadinessExtensions
{
    /// <summary>The gateway is ready only when the services in <c>Gateway:ReadyServices</c> are.</summary>
    public static IHostApplicationBuilder AddDownstreamReadiness(this IHostApplicationBuilder builder)
    {
        // Each probe has its own 2 s budget; the client-wide timeout would only hide that.
        builder.Services.AddHttpClient(DownstreamReadinessCheck.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddHealthChecks().AddCheck<DownstreamReadinessCheck>(
            DownstreamReadinessCheck.Name,
            tags: [ServiceDefaultsExtensions.ReadyTag],
            timeout: TimeSpan.FromSeconds(5));
        return builder;
    }
}
