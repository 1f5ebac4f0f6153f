using System.Net;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class RateLimitTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    [Fact]
    public async Task Going_over_the_limit_answers_429_with_retry_after_and_the_stats_count_it()
    {
        var key = await _api.StripeAccountAsync(size: 5, ratePermits: 5, ratePeriodSeconds: 10);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await _api.StripeGetAsync(key, "/v1/customers?limit=1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled?.Dispose();
                throttled = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(throttled);
        Assert.InRange(throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 10);
        Assert.Equal("rate_limit", (string)(await SimulatorApi.JsonAsync(throttled))["error"]!["code"]!);
        throttled.Dispose();
        var stats = await _api.StatsAsync("stripe", key);
        Assert.Equal(8, (long)stats["requests"]!);
        Assert.Equal(3, (long)stats["throttled"]!);
        Assert.Equal(8, (int)stats["maxRequestsInAnyWindow"]!);
        Assert.Equal(5, (int)stats["limitPermits"]!);
    }

    [Fact]
    public async Task The_stats_give_the_peak_number_of_requests_in_any_window_of_the_limits_period()
    {
        var credential = await _api.HotmartAccountAsync(size: 5, ratePermits: 100, ratePeriodSeconds: 2);
        var token = await _api.HotmartAccessTokenAsync(credential);

        for (var i = 0; i < 4; i++)
        {
            using var _ = await _api.HotmartGetAsync(token, "/payments/api/v1/sales/history");
        }
        await Task.Delay(TimeSpan.FromSeconds(2.3));
        for (var i = 0; i < 2; i++)
        {
            using var _ = await _api.HotmartGetAsync(token, "/payments/api/v1/sales/history");
        }

        var stats = await _api.StatsAsync("hotmart", credential);
        Assert.Equal(7, (long)stats["requests"]!);
        Assert.Equal(0, (long)stats["throttled"]!);
        Assert.Equal(5, (int)stats["maxRequestsInAnyWindow"]!);
        Assert.Equal(2, (double)stats["windowSeconds"]!);
        Assert.Equal(7, stats["perSecond"]!.AsArray().Sum(s => (int)s!["requests"]!));
    }

    [Fact]
    public async Task Ploomes_limits_per_minute_and_says_how_long_to_wait()
    {
        var key = await _api.PloomesAccountAsync(size: 5, ratePermits: 2, ratePeriodSeconds: 60);

        using var first = await _api.PloomesGetAsync(key, "/Contacts");
        using var second = await _api.PloomesGetAsync(key, "/Contacts");
        using var third = await _api.PloomesGetAsync(key, "/Contacts");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 55, 60);
    }

    [Fact]
    public async Task Hotmart_429s_carry_the_rate_limit_headers_too()
    {
        var credential = await _api.HotmartAccountAsync(size: 5, ratePermits: 1, ratePeriodSeconds: 30);

        using var token = await _api.HotmartTokenAsync(credential);
        using var refused = await _api.HotmartTokenAsync(credential);

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("too_many_requests", (string)(await SimulatorApi.JsonAsync(refused))["error"]!);
        Assert.Equal("1", refused.Headers.GetValues("RateLimit-Limit").Single());
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Stats_of_a_credential_that_made_no_request_are_zero()
    {
        var stats = await _api.StatsAsync("ploomes", "never-used-" + Guid.NewGuid());

        Assert.Equal(0, (long)stats["requests"]!);
        Assert.Equal(0, (int)stats["maxRequestsInAnyWindow"]!);
    }
}
