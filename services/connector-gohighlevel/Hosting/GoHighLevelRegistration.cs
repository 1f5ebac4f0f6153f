using Platform.Connectors.GoHighLevel.Api;
using Platform.Connectors.GoHighLevel.Streams;
using Platform.Connectors.Hosting;
using Platform.Connectors.Http;

namespace Platform.Connectors.GoHighLevel.Hosting;

public static class GoHighLevelRegistration
{
    /// <summary>
    /// The LeadConnector API client (a Refit interface) paced by the SDK to HighLevel's 100 requests per 10 s per
    /// location as its <c>X-RateLimit-*</c> headers describe it (<see cref="HeaderRatePacer"/>, instead of the token
    /// bucket that keeps 10 % in reserve), and the contacts and opportunities streams. Each workspace authenticates with its Private
    /// Integration token, or else as an installation of a Marketplace app: the SDK's OAuth handler trades the refresh token
    /// at <c>POST /oauth/token</c> (form-encoded, client id and secret in the body) on the API's host, and since HighLevel
    /// answers every refresh with a new refresh token and kills the old one, the new one is written back to the
    /// workspace's stored settings before it is used (<see cref="ISourceSecretWriter"/>).
    /// </summary>
    public static ConnectorBuilder AddGoHighLevelApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        connector.Host.Services.AddSingleton<GhlFieldNames>();
        var http = new SourceHttpOptions
        {
            BaseAddress = new Uri("https://services.leadconnectorhq.com/"),
            RatePermits = 100,
            RatePeriod = TimeSpan.FromSeconds(10),
            RateLimitHeaders = GhlApi.RateLimitHeaders,
        };
        var oauth = connector.OAuth(new OAuthOptions
        {
            // Bound lazily: AddSourceApiClient reads Connectors:GoHighLevel:Http (the simulator's address in tests) into http.
            TokenEndpoint = new Uri(new Uri(connector.Host.Configuration["Connectors:GoHighLevel:Http:BaseAddress"] ?? http.BaseAddress.ToString()), "oauth/token"),
            SourceName = "GoHighLevel",
            ClientAuthentication = OAuthClientAuthentication.Body,
            BearerTokenFields = GhlAccount.PrivateTokenFields,
            InvalidClientHint = workspace => $"Check the Marketplace app's ClientId and ClientSecret of workspace '{workspace}', or set a PrivateIntegrationToken.",
        });
        connector.AddSourceApiClient<IGoHighLevelApi>(http, authentication: oauth);
        connector.AddStream(services => new GhlContactsReader(services.GetRequiredService<IGoHighLevelApi>(), services.GetRequiredService<GhlFieldNames>()));
        connector.AddStream(services => new GhlOpportunitiesReader(services.GetRequiredService<IGoHighLevelApi>()));
        return connector;
    }
}
