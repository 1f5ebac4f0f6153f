using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Http;
using RichardSzalay.MockHttp;

namespace Platform.Connectors.Hotmart.Tests;

/// <summary>One request as the fake Hotmart saw it.</summary>
public sealed record SentRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Workspace)
{
    public Dictionary<string, string> Query { get; } =
        QueryHelpers.ParseQuery(Uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    public string Path => Uri.AbsolutePath;
}

/// <summary>
/// The real Hotmart Refit client behind the SDK's OAuth handler (as the connector registers it) over a mocked HttpMessageHandler (Hotmart at https://api.test/, its token endpoint
/// at https://auth.test/), a clock the test moves, and every request recorded.
/// </summary>
public sealed class HotmartApiHarness : IDisposable
{
    public const string ApiBase = "https://api.test/";
    public const string AuthBase = "https://auth.test/";
    public const string HistoryUrl = ApiBase + "payments/api/v1/sales/history";
    public const string UsersUrl = ApiBase + "payments/api/v1/sales/users";
    public const string TokenUrl = AuthBase + "security/oauth/token";

    public HotmartApiHarness()
    {
        Tokens = new OAuthTokenCache(Clock);
        TokenRequest = Http.When(HttpMethod.Post, TokenUrl).Respond(_ => TokenResponse());
    }

    public MockHttpMessageHandler Http { get; } = new();
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public HotmartOptions Options { get; } = new() { AuthAddress = new Uri(AuthBase) };
    public OAuthTokenCache Tokens { get; }
    public HotmartAccount Account { get; } = new("acme", "client-123", "secret-xyz");
    public List<SentRequest> Sent { get; } = [];
    public List<string> TokensIssued { get; } = [];
    public MockedRequest TokenRequest { get; }

    /// <summary>Lifetime of the tokens the fake issues.</summary>
    public long ExpiresIn { get; set; } = 86400;

    /// <summary>Replaces the token endpoint's answer (default: a new token each call).</summary>
    public Func<HttpResponseMessage>? TokenAnswer { get; set; }

    public IEnumerable<SentRequest> To(string url) => Sent.Where(r => r.Uri.GetLeftPart(UriPartial.Path) == url);

    public IHotmartApi Api()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Connectors:hotmart:Workspaces:{Account.WorkspaceId}:ClientId"] = Account.ClientId,
            [$"Connectors:hotmart:Workspaces:{Account.WorkspaceId}:ClientSecret"] = Account.ClientSecret,
        }).Build();
        var oauth = new OAuthHandler(Tokens, new ConnectorCredentials(configuration, new ConnectorDescriptor("hotmart")), new OAuthOptions
        {
            TokenEndpoint = new Uri(Options.AuthAddress, "security/oauth/token"),
            SourceName = HotmartApi.SourceName,
            ClientAuthentication = OAuthClientAuthentication.BasicHeader | OAuthClientAuthentication.Query,
            InvalidClientHint = HotmartApi.InvalidClientHint,
        });
        return SourceApiClient.Create<IHotmartApi>(Http, new Uri(ApiBase), HotmartApi.Settings, oauth, new Recorder(Sent));
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private HttpResponseMessage TokenResponse()
    {
        if (TokenAnswer is not null)
        {
            return TokenAnswer();
        }
        var token = $"tok-{TokensIssued.Count + 1}";
        TokensIssued.Add(token);
        return Json($$"""{"access_token":"{{token}}","token_type":"bearer","expires_in":{{ExpiresIn}}}""");
    }

    public void Dispose()
    {
        Http.Dispose();
        Tokens.Dispose();
    }

    private sealed class Recorder(List<SentRequest> sent) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.TryGetValue(SourceRequest.Workspace, out var workspace);
            lock (sent)
            {
                sent.Add(new SentRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), workspace));
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
