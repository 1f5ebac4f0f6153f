using Platform.Gateway.Health;
using Platform.ServiceDefaults;

namespace Platform.Gateway.Hosting;

internal static class ReadinessExtensions
{
    /// <summary>Readiness lists the services in <c>Gateway:ReadyServices</c>; one that is down makes the gateway Degraded, not unready.</summary>
    public static IHostApplicationBuilder AddDownstreamReadiness(this IHostApplicationBuilder builder)
    {
        // Each probe has its own 2 s budget; the client-wide timeout would only hide that.
        builder.Services.AddSingleton<DownstreamAddresses>();
        builder.Services.AddHttpClient(DownstreamReadinessCheck.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        // One instance: it keeps the last answers for the platform_gateway_backend_ready gauge.
        builder.Services.AddSingleton<DownstreamReadinessCheck>();
        builder.Services.AddHealthChecks().AddCheck<DownstreamReadinessCheck>(
            DownstreamReadinessCheck.Name,
            tags: [ServiceDefaultsExtensions.ReadyTag],
            timeout: TimeSpan.FromSeconds(5));
        return builder;
    }
}
