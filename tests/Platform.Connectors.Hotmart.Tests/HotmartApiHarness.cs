using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Platform.Connectors.Hotmart.Domain;
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
/// The real <see cref="HotmartApi"/> over a mocked HttpMessageHandler (Hotmart at https://api.test/, its token endpoint
/// at https://auth.test/), a clock the test moves, and every request recorded.
/// </summary>
public sealed class HotmartApiHarness : IDisposable
{
    public const string ApiBase = "https://api.test/";
    public const string AuthBase = "https://auth.test/";
    public const string HistoryUrl = ApiBase + "payments/api/v1/sales/history";
    public const string UsersUrl = ApiBase + "payments/api/v1/sales/users";
    public const string TokenUrl = AuthBase + "security/oauth/token";

    private readonly List<HttpClient> _clients = [];

    public HotmartApiHarness()
    {
        Tokens = new HotmartTokenCache(Clock);
        TokenRequest = Http.When(HttpMethod.Post, TokenUrl).Respond(_ => TokenResponse());
    }

    public MockHttpMessageHandler Http { get; } = new();
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public HotmartOptions Options { get; } = new() { AuthAddress = new Uri(AuthBase) };
    public HotmartTokenCache Tokens { get; }
    public HotmartAccount Account { get; } = new("acme", "client-123", "secret-xyz");
    public List<SentRequest> Sent { get; } = [];
    public List<string> TokensIssued { get; } = [];
    public MockedRequest TokenRequest { get; }

    /// <summary>Lifetime of the tokens the fake issues.</summary>
    public long ExpiresIn { get; set; } = 86400;

    /// <summary>Replaces the token endpoint's answer (default: a new token each call).</summary>
    public Func<HttpResponseMessage>? TokenAnswer { get; set; }

    public IEnumerable<SentRequest> To(string url) => Sent.Where(r => r.Uri.GetLeftPart(UriPartial.Path) == url);

    public HotmartApi Api()
    {
        var client = new HttpClient(new Recorder(Sent, Http)) { BaseAddress = new Uri(ApiBase) };
        _clients.Add(client);
        return new HotmartApi(client, Tokens, Microsoft.Extensions.Options.Options.Create(Options));
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
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        Http.Dispose();
        Tokens.Dispose();
    }

    private sealed class Recorder(List<SentRequest> sent, HttpMessageHandler inner) : DelegatingHandler(inner)
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
