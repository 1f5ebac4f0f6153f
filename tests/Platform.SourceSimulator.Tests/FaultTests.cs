using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class FaultTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    private async Task<List<HttpStatusCode>> StripeStatusesAsync(string key, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await _api.StripeGetAsync(key, "/v1/customers?limit=1");
            statuses.Add(response.StatusCode);
        }
        return statuses;
    }

    private async Task<List<JsonNode?>> FaultsOfAsync(string credential)
    {
        using var response = await _api.Http.GetAsync("/_simulator/faults");
        var faults = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return faults.Where(f => (string?)f!["credential"] == credential).ToList();
    }

    [Fact]
    public async Task An_error5xx_fault_fails_the_next_n_requests_with_500_and_503_then_the_api_answers_again()
    {
        var key = await _api.StripeAccountAsync(size: 5);
        await _api.PostAsync("/_simulator/faults", new { source = "stripe", credential = key, kind = "error5xx", count = 3 }, HttpStatusCode.Created);

        var statuses = await StripeStatusesAsync(key, 4);

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task A_slow_fault_delays_the_next_requests_by_the_time_asked_then_is_gone()
    {
        var key = await _api.PloomesAccountAsync(size: 5);
        await _api.PostAsync("/_simulator/faults", new { source = "ploomes", credential = key, kind = "slow", count = 2, delayMs = 600 }, HttpStatusCode.Created);

        var times = new List<TimeSpan>();
        for (var i = 0; i < 2; i++)
        {
            var watch = Stopwatch.StartNew();
            using var slow = await _api.PloomesGetAsync(key, "/Contacts?$top=1");
            times.Add(watch.Elapsed);
            Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        }
        var faultsLeft = await FaultsOfAsync(key);
        using var next = await _api.PloomesGetAsync(key, "/Contacts?$top=1");

        // A delay is a lower bound only; that the next request is not slowed shows in the fault being gone, not in a
        // stopwatch (a loaded machine can take any time to answer).
        Assert.All(times, time => Assert.True(time >= TimeSpan.FromMilliseconds(590), $"a slowed request took {time.TotalMilliseconds} ms"));
        Assert.Empty(faultsLeft);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task An_unauthorized_fault_answers_401_from_the_kth_request_on_until_it_is_cleared()
    {
        var key = await _api.StripeAccountAsync(size: 5);
        await _api.PostAsync("/_simulator/faults", new { source = "stripe", credential = key, kind = "unauthorized", fromRequest = 3 }, HttpStatusCode.Created);

        var statuses = await StripeStatusesAsync(key, 5);
        await _api.ClearFaultsAsync("stripe", key);
        var after = await StripeStatusesAsync(key, 1);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], statuses);
        Assert.Equal([HttpStatusCode.OK], after);
    }

    [Fact]
    public async Task An_unauthorized_hotmart_fault_also_refuses_new_tokens_as_a_revoked_credential_would()
    {
        var credential = await _api.HotmartAccountAsync(size: 5);
        var token = await _api.HotmartAccessTokenAsync(credential);
        await _api.PostAsync("/_simulator/faults", new { source = "hotmart", credential, kind = "unauthorized", fromRequest = 1 }, HttpStatusCode.Created);

        using var call = await _api.HotmartGetAsync(token, "/payments/api/v1/sales/history");
        using var renewal = await _api.HotmartTokenAsync(credential);

        Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, renewal.StatusCode);
        await _api.ClearFaultsAsync("hotmart", credential);
    }

    [Fact]
    public async Task A_rate_limit_fault_answers_429_with_the_retry_after_asked_and_counts_as_throttled()
    {
        var credential = await _api.HotmartAccountAsync(size: 5);
        var token = await _api.HotmartAccessTokenAsync(credential);
        await _api.PostAsync("/_simulator/faults", new { source = "hotmart", credential, kind = "rateLimit", count = 2, retryAfterSeconds = 7 }, HttpStatusCode.Created);

        using var first = await _api.HotmartGetAsync(token, "/payments/api/v1/sales/history");
        using var second = await _api.HotmartGetAsync(token, "/payments/api/v1/sales/history");
        using var third = await _api.HotmartGetAsync(token, "/payments/api/v1/sales/history");

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), first.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var stats = await _api.StatsAsync("hotmart", credential);
        Assert.Equal(2, (long)stats["throttled"]!);
        Assert.Equal(4, (long)stats["requests"]!);
    }

    [Fact]
    public async Task A_fault_without_a_credential_hits_every_credential_of_the_source_only()
    {
        var key = await _api.PloomesAccountAsync(size: 5);
        var stripeKey = await _api.StripeAccountAsync(size: 5);
        // Tests of one class share a factory but run one at a time, so a source-wide fault reaches this test only.
        await _api.PostAsync("/_simulator/faults", new { source = "ploomes", kind = "error5xx", count = 1, status = 502 }, HttpStatusCode.Created);

        using var ploomes = await _api.PloomesGetAsync(key, "/Deals?$top=1");
        using var stripe = await _api.StripeGetAsync(stripeKey, "/v1/customers?limit=1");

        Assert.Equal(HttpStatusCode.BadGateway, ploomes.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stripe.StatusCode);
    }

    [Fact]
    public async Task An_unknown_fault_kind_is_a_validation_problem()
    {
        using var response = await _api.Http.PostAsync("/_simulator/faults",
            System.Net.Http.Json.JsonContent.Create(new { source = "stripe", kind = "explode" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error5xx", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
