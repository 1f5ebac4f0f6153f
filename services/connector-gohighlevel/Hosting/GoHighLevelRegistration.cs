using Platform.Connectors.GoHighLevel.Api;
using Platform.Connectors.GoHighLevel.Streams;
using Platform.Connectors.Hosting;
using Platform.Connectors.Http;

namespace Platform.Connectors.GoHighLevel.Hosting;

public static class GoHighLevelRegistration
{
    /// <summary>
    /// The LeadConnector API client (a Refit interface) paced by <see cref="GhlRatePacer"/> to HighLevel's 100 requests
    /// per 10 s per location as its <c>X-RateLimit-*</c> headers describe it (the SDK's token bucket, which keeps 10 % in
    /// reserve, is left out), and the contacts and opportunities streams.
    /// </summary>
    public static ConnectorBuilder AddGoHighLevelApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        connector.Host.Services.AddSingleton<GhlRatePacer>();
        connector.Host.Services.AddSingleton<GhlFieldNames>();
        connector.AddSourceApiClient<IGoHighLevelApi>(new SourceHttpOptions
            {
                BaseAddress = new Uri("https://services.leadconnectorhq.com/"),
                RatePermits = 100,
                RatePeriod = TimeSpan.FromSeconds(10),
            }, sdkRateLimit: false)
            .AddHttpMessageHandler(services => new GhlRateLimitHandler(services.GetRequiredService<GhlRatePacer>()));
        connector.AddStream(services => new GhlContactsReader(services.GetRequiredService<IGoHighLevelApi>(), services.GetRequiredService<GhlFieldNames>()));
        connector.AddStream(services => new GhlOpportunitiesReader(services.GetRequiredService<IGoHighLevelApi>()));
        return connector;
    }
}
