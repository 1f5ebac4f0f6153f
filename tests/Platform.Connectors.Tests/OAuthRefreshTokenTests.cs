using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Http;

namespace Platform.Connectors.Tests;

/// <summary>A vendor that rotates refresh tokens kills the old one: the new one must be persisted, not kept in memory only.</summary>
public sealed class OAuthRefreshTokenTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class RecordingWriter : ISourceSecretWriter
    {
        public List<(string Workspace, string Field, string Value)> Written { get; } = [];

        public Task WriteAsync(string workspaceId, string field, string value, CancellationToken ct)
        {
            Written.Add((workspaceId, field, value));
            return Task.CompletedTask;
        }
    }

    /// <summary>A token endpoint that answers each refresh_token grant with a new refresh token, and an API that answers 200.</summary>
    private sealed class RotatingVendor : HttpMessageHandler
    {
        public List<string> RefreshTokensSeen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath != "/oauth/token")
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            }
            var form = await request.Content!.ReadAsStringAsync(cancellationToken);
            var refresh = form.Split('&').Select(p => p.Split('=')).Single(p => p[0] == "refresh_token")[1];
            RefreshTokensSeen.Add(refresh);
            var next = $"rt-{RefreshTokensSeen.Count + 1}";
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"access_token":"at-{{RefreshTokensSeen.Count}}","refresh_token":"{{next}}","expires_in":1}""",
                    Encoding.UTF8, "application/json"),
            };
        }
    }

    [Fact]
    public async Task A_rotated_refresh_token_is_written_back_through_the_SDK_secret_writer_and_used_for_the_next_token()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:gohighlevel:Workspaces:blue:ClientId"] = "client",
            ["Connectors:gohighlevel:Workspaces:blue:ClientSecret"] = "secret",
            ["Connectors:gohighlevel:Workspaces:blue:RefreshToken"] = "rt-1",
        }).Build();
        var clock = new ManualClock();
        using var cache = new OAuthTokenCache(clock);
        var writer = new RecordingWriter();
        var vendor = new RotatingVendor();
        using var handler = new OAuthHandler(cache, new ConnectorCredentials(configuration, new ConnectorDescriptor("gohighlevel")),
            new OAuthOptions { TokenEndpoint = new Uri("https://vendor.test/oauth/token"), SourceName = "GoHighLevel" }, writer)
        {
            InnerHandler = vendor,
        };
        using var http = new HttpClient(handler);

        using (await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://vendor.test/contacts").ForWorkspace("blue")))
        {
        }
        clock.Now += TimeSpan.FromMinutes(10); // the access token expired
        using (await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://vendor.test/contacts").ForWorkspace("blue")))
        {
        }

        Assert.Equal(["rt-1", "rt-2"], vendor.RefreshTokensSeen);
        Assert.Equal([("blue", "RefreshToken", "rt-2"), ("blue", "RefreshToken", "rt-3")], writer.Written);
    }

    [Fact]
    public async Task A_workspace_with_a_static_bearer_token_uses_it_and_never_asks_the_token_endpoint()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:gohighlevel:Workspaces:pit:PrivateIntegrationToken"] = "pit-123",
        }).Build();
        using var cache = new OAuthTokenCache(new ManualClock());
        var vendor = new RotatingVendor();
        var writer = new RecordingWriter();
        using var handler = new OAuthHandler(cache, new ConnectorCredentials(configuration, new ConnectorDescriptor("gohighlevel")),
            new OAuthOptions
            {
                TokenEndpoint = new Uri("https://vendor.test/oauth/token"),
                SourceName = "GoHighLevel",
                BearerTokenFields = ["PrivateIntegrationToken"],
            }, writer)
        {
            InnerHandler = vendor,
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://vendor.test/contacts").ForWorkspace("pit");

        using (await http.SendAsync(request))
        {
        }

        Assert.Equal("pit-123", request.Headers.Authorization?.Parameter);
        Assert.Empty(vendor.RefreshTokensSeen);
        Assert.Empty(writer.Written);
    }

    [Fact]
    public async Task A_refresh_token_the_vendor_refuses_as_invalid_grant_fails_saying_to_connect_again()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:gohighlevel:Workspaces:old:ClientId"] = "client",
            ["Connectors:gohighlevel:Workspaces:old:ClientSecret"] = "secret",
            ["Connectors:gohighlevel:Workspaces:old:RefreshToken"] = "rt-used",
        }).Build();
        using var cache = new OAuthTokenCache(new ManualClock());
        using var handler = new OAuthHandler(cache, new ConnectorCredentials(configuration, new ConnectorDescriptor("gohighlevel")),
            new OAuthOptions { TokenEndpoint = new Uri("https://vendor.test/oauth/token"), SourceName = "GoHighLevel" })
        {
            InnerHandler = new RefusingVendor(),
        };
        using var http = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<Platform.Connectors.Backfill.SourceException>(() =>
            http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://vendor.test/contacts").ForWorkspace("old")));

        Assert.Equal("credentials_invalid", error.ErrorCode);
        Assert.Contains("refused the refresh token of workspace 'old'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rt-used", error.Message, StringComparison.Ordinal);
    }

    private sealed class RefusingVendor : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent("""{"error":"invalid_grant","error_description":"Invalid grant: refresh token is invalid"}""", Encoding.UTF8, "application/json"),
            });
    }
}
