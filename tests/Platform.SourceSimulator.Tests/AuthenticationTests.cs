using System.Net;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class AuthenticationTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    [Fact]
    public async Task An_unknown_stripe_key_gets_stripes_401_with_the_key_masked()
    {
        using var response = await _api.StripeGetAsync("sk_test_nobody_has_this_key_1234", "/v1/customers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await SimulatorApi.JsonAsync(response))["error"]!;
        Assert.Equal("invalid_request_error", (string)error["type"]!);
        Assert.StartsWith("Invalid API Key provided: sk_test_", (string)error["message"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("nobody_has_this", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stripe_request_without_a_key_is_told_how_to_send_one()
    {
        using var response = await _api.Http.GetAsync("/v1/charges");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Authorization header", (string)(await SimulatorApi.JsonAsync(response))["error"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_hotmart_client_gets_hotmarts_401()
    {
        using var response = await _api.HotmartTokenAsync("nobody:nothing");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await SimulatorApi.JsonAsync(response);
        Assert.Equal("unauthorized", (string)body["error"]!);
        Assert.Equal("Bad credentials", (string)body["error_description"]!);
    }

    [Fact]
    public async Task An_unknown_ploomes_user_key_gets_a_401()
    {
        using var response = await _api.PloomesGetAsync("not-a-key", "/Contacts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Authorization has been denied for this request.", (string)(await SimulatorApi.JsonAsync(response))["error"]!["message"]!);
    }

    [Fact]
    public async Task The_demo_accounts_of_the_default_configuration_answer()
    {
        using var stripe = await _api.StripeGetAsync("sk_test_simulator_demo", "/v1/customers?limit=1");
        var token = await _api.HotmartAccessTokenAsync("hotmart-demo-client:hotmart-demo-secret");
        using var hotmart = await _api.HotmartGetAsync(token, "/payments/api/v1/sales/history?max_results=1");
        using var ploomes = await _api.PloomesGetAsync("ploomes-demo-key", "/Deals?$top=1");

        Assert.Equal(HttpStatusCode.OK, stripe.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hotmart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ploomes.StatusCode);
    }

    [Fact]
    public async Task Ready_is_healthy_with_no_database_or_broker_to_check()
    {
        using var response = await _api.Http.GetAsync("/health/ready");

        var body = await SimulatorApi.OkJsonAsync(response);
        Assert.Equal("Healthy", (string)body["status"]!);
        Assert.Empty(body["checks"]!.AsArray());
    }
}
