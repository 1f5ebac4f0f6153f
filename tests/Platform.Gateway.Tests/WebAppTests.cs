using System.Net;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

/// <summary>The gateway serves the web app's build at / and leaves API and webhook paths to the proxy.</summary>
public sealed class WebAppTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"gateway-web-{Guid.NewGuid():N}");
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_root, "assets"));
        await File.WriteAllTextAsync(Path.Combine(_root, "index.html"), "<!doctype html><div id=\"root\"></div>");
        await File.WriteAllTextAsync(Path.Combine(_root, "assets", "index-abc123.js"), "console.log('app');");
        _gateway = new GatewayFactory(new Dictionary<string, string?> { ["Gateway:WebRoot"] = _root });
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/clients/0b9e4b5e-2d0c-4e57-9f0e-7d7f0d7f1f00")]
    [InlineData("/review")]
    public async Task Page_paths_get_the_app_uncached_with_a_content_security_policy(string path)
    {
        using var client = _gateway.CreateClient();
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"root\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hashed_assets_are_cached_and_unknown_files_api_paths_and_webhooks_are_not_the_app()
    {
        using var client = _gateway.CreateClient();
        using (var asset = await client.GetAsync("/assets/index-abc123.js"))
        {
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        }
        foreach (var path in new[] { "/assets/missing.js", "/webhooks/unknown-vendor", "/api/nothing-here" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
