using Platform.Connectors.Hosting;
using Platform.Connectors.Hotmart.Api;
using Platform.Connectors.Hotmart.Domain;
using Platform.Connectors.Hotmart.Streams;
using Platform.Connectors.Http;

namespace Platform.Connectors.Hotmart.Hosting;

public static class HotmartRegistration
{
    /// <summary>
    /// Hotmart's own settings (<c>Connectors:Hotmart</c>: auth address, webhook age limit, sales windows), the API
    /// client behind the SDK's OAuth client-credentials handler (Basic auth and the client in the token URL's query,
    /// Hotmart's documented form), and the sales stream. Hotmart documents 500 calls/minute per account; paced at 8/s
    /// (about 420/min, no bursts): headroom for the producer's other integrations. <c>Connectors:Hotmart:Http</c> overrides.
    /// </summary>
    public static ConnectorBuilder AddHotmartApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var section = connector.Host.Configuration.GetSection(HotmartOptions.Section);
        connector.Host.Services.Configure<HotmartOptions>(section);
        var settings = section.Get<HotmartOptions>() ?? new HotmartOptions();
        return connector
            .AddSourceApi<IHotmartApi>(new SourceHttpOptions
            {
                BaseAddress = new("https://developers.hotmart.com/"),
                RatePermits = 8,
                RatePeriod = TimeSpan.FromSeconds(1),
            }, HotmartApi.Settings, connector.OAuth(new OAuthOptions
            {
                TokenEndpoint = new Uri(settings.AuthAddress, "security/oauth/token"),
                SourceName = HotmartApi.SourceName,
                ClientAuthentication = OAuthClientAuthentication.BasicHeader | OAuthClientAuthentication.Query,
                InvalidClientHint = HotmartApi.InvalidClientHint,
            }))
            .AddStream<HotmartSalesStreamReader>();
    }
}
