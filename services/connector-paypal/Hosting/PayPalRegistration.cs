using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.PayPal.Api;
using Platform.Connectors.PayPal.Streams;
using Platform.Connectors.PayPal.Webhooks;

namespace Platform.Connectors.PayPal.Hosting;

public static class PayPalRegistration
{
    /// <summary>
    /// The PayPal REST client (a Refit interface) behind the SDK's resilience and rate limit, with the workspace's
    /// OAuth2 client-credentials token added per call (cached until shortly before it expires); the token endpoint is
    /// a client of its own. PayPal publishes no rate limit: 30 requests/s per workspace by default.
    /// </summary>
    public static ConnectorBuilder AddPayPalApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var defaults = new SourceHttpOptions
        {
            BaseAddress = new Uri("https://api-m.paypal.com/"),
            RatePermits = 30,
            RatePeriod = TimeSpan.FromSeconds(1),
        };
        connector.Host.Services.AddSingleton<PayPalTokenCache>();
        connector.Host.Services.AddScoped<PayPalSignatureVerifier>();
        connector.Host.Services.AddSingleton(connector.Host.Configuration.GetSection(PayPalWebhookOptions.Section).Get<PayPalWebhookOptions>()
            ?? new PayPalWebhookOptions());
        connector.Host.Services.AddSingleton<PayPalCertificates>();
        // Certificates only: no SDK rate limit or retries (PayPal's webhook retries are the retry).
        connector.Host.Services.AddHttpClient(PayPalCertificates.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        connector.AddSourceApiClient<IPayPalAuthApi>(defaults);
        connector.AddSourceApiClient<IPayPalApi>(defaults)
            .AddHttpMessageHandler(services => new PayPalAuthHandler(services.GetRequiredService<PayPalTokenCache>(),
                services.GetRequiredService<IPayPalAuthApi>(), services.GetRequiredService<ConnectorCredentials>()));
        connector.AddStream(services => new PayPalTransactionsReader(services.GetRequiredService<IPayPalApi>(),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<PayPalTransactionsReader>>()));
        connector.AddStream(services => new PayPalSubscriptionsReader(services.GetRequiredService<IPayPalApi>(), services.GetRequiredService<TimeProvider>()));
        return connector;
    }
}
