using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.Stripe.Domain;

namespace Platform.Connectors.Stripe.Hosting;

public static class StripeRegistration
{
    /// <summary>
    /// The Stripe API client (25 requests/s per workspace: Stripe's default per-endpoint limit; the global live
    /// limit is 100/s) and one stream per resource.
    /// </summary>
    public static ConnectorBuilder AddStripeApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        connector.AddSourceClient<IStripeApi, StripeApi>(new SourceHttpOptions
        {
            BaseAddress = new Uri("https://api.stripe.com/"),
            RatePermits = 25,
            RatePeriod = TimeSpan.FromSeconds(1),
        });
        foreach (var stream in StripeStreamReader.All)
        {
            connector.AddStream(services => new StripeStreamReader(
                services.GetRequiredService<IStripeApi>(), stream, services.GetRequiredService<TimeProvider>()));
        }
        return connector;
    }
}
