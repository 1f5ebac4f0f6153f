using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.Stripe.Api;
using Platform.Connectors.Stripe.Streams;

namespace Platform.Connectors.Stripe.Hosting;

public static class StripeRegistration
{
    /// <summary>
    /// The Stripe API client (25 requests/s per workspace: Stripe's default per-endpoint limit; the global live
    /// limit is 100/s), authenticated with the workspace's <c>ApiKey</c>, and one stream per resource.
    /// </summary>
    public static ConnectorBuilder AddStripeApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        connector.AddSourceApi<IStripeApi>(new SourceHttpOptions
        {
            BaseAddress = new Uri("https://api.stripe.com/"),
            RatePermits = 25,
            RatePeriod = TimeSpan.FromSeconds(1),
        }, StripeApi.Settings, ConnectorBuilder.BearerApiKey("ApiKey", "Stripe"));
        foreach (var stream in StripeStreamReader.All)
        {
            connector.AddStream(services => new StripeStreamReader(
                services.GetRequiredService<IStripeApi>(), stream, services.GetRequiredService<TimeProvider>()));
        }
        return connector;
    }
}
