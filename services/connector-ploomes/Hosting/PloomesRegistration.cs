using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.Ploomes.Api;
using Platform.Connectors.Ploomes.Streams;

namespace Platform.Connectors.Ploomes.Hosting;

public static class PloomesRegistration
{
    /// <summary>
    /// The Ploomes API client (120 requests/minute per account: Ploomes' documented limit; <c>Connectors:Ploomes:Http</c>
    /// overrides), authenticated with the workspace's <c>User-Key</c>, and the contacts and deals streams.
    /// </summary>
    public static ConnectorBuilder AddPloomesApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        return connector
            .AddSourceApi<IPloomesApi>(new SourceHttpOptions
            {
                BaseAddress = new Uri("https://public-api2.ploomes.com/"),
                RatePermits = 120,
                RatePeriod = TimeSpan.FromMinutes(1),
            }, PloomesApi.Settings, ConnectorBuilder.ApiKeyHeader("User-Key", "UserKey", PloomesApi.Source))
            .AddStream<PloomesContactsStreamReader>()
            .AddStream<PloomesDealsStreamReader>();
    }
}
