using System.Net;
using System.Net.Http.Json;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

public sealed class RateLimitTests : IAsyncLifetime
{
    private const string OtherKey = "another-operator-key-7c1e";
    private readonly DownstreamServices _services = new();
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        var settings = _services.Settings();
        // Small buckets refilled over an hour: nothing refills while the test runs.
        settings["Gateway:RateLimits:Api:Permits"] = "10";
        settings["Gateway:RateLimits:Api:Per"] = "01:00:00";
        settings["Gateway:RateLimits:Webhooks:Permits"] = "10";
        settings["Gateway:RateLimits:Webhooks:Per"] = "01:00:00";
        settings["Gateway:ApiKeys:1:Name"] = "bruno.ops";
        settings["Gateway:ApiKeys:1:Sha256"] = GatewayFactory.Sha256Hex(OtherKey);
        _gateway = new GatewayFactory(settings);
    }

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_Retry_After_and_other_keys_are_not_slowed()
    {
        using var busy = _gateway.CreateOperatorClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await busy.GetAsync($"/api/sales?workspaceId=w&i={i}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
                Assert.Equal("Too many requests", (await Problem.ReadAsync(response)).Title);
            }
        }
        using var other = _gateway.CreateClient();
        other.DefaultRequestHeaders.Add("X-Api-Key", OtherKey);
        using var otherResponse = await other.GetAsync("/api/sales?workspaceId=w");

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
        var metrics = await _gateway.CreateClient().GetStringAsync("/metrics");
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("platform_gateway_rate_limited_total", StringComparison.Ordinal)
            && line.Contains("kind=\"api\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhooks_are_limited_per_source_and_workspace()
    {
        using var client = _gateway.CreateClient();
        var flooded = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            using var response = await client.PostAsJsonAsync("/webhooks/hotmart/flood-ws", new { i });
            flooded.Add(response.StatusCode);
        }
        using var otherWorkspace = await client.PostAsJsonAsync("/webhooks/hotmart/calm-ws", new { i = 0 });
        using var otherSource = await client.PostAsJsonAsync("/webhooks/stripe/flood-ws", new { i = 0 });

        Assert.Equal(HttpStatusCode.TooManyRequests, flooded[^1]);
        Assert.Equal(10, flooded.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, otherWorkspace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherSource.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _services.DisposeAsync();
    }
}
