using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

public sealed class OperatorAuthenticationTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task An_api_call_without_a_key_is_a_401_problem_details_and_never_reaches_the_service()
    {
        using var client = fixture.Gateway.CreateClient();
        var probe = Guid.NewGuid().ToString("N");

        using var response = await client.GetAsync($"/api/clients?probe={probe}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("Missing or invalid API key", problem.Title);
        Assert.Contains("X-Api-Key", problem.Detail, StringComparison.Ordinal);
        Assert.Empty(fixture.Services.ReceivedWith(probe));
    }

    [Theory]
    [InlineData("X-Api-Key", "not-the-key")]
    [InlineData("Authorization", "Bearer not-the-key")]
    [InlineData("X-Api-Key", GatewayFactory.OperatorKey + " ")]
    public async Task An_api_call_with_a_wrong_key_is_a_401_and_never_reaches_the_service(string header, string value)
    {
        using var client = fixture.Gateway.CreateClient();
        var probe = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/syncs?probe={probe}") { Content = JsonContent.Create(new { source = "stripe" }) };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Missing or invalid API key", (await Problem.ReadAsync(response)).Title);
        Assert.Empty(fixture.Services.ReceivedWith(probe));
    }

    [Fact]
    public async Task A_valid_key_is_proxied_with_the_operator_name_the_correlation_id_and_without_the_key()
    {
        using var client = fixture.Gateway.CreateOperatorClient();
        var correlationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/clients/1?probe={Guid.NewGuid():N}");
        request.Headers.Add("X-Correlation-Id", correlationId);
        request.Headers.Add("X-Operator", "mallory");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await response.Content.ReadFromJsonAsync<ReceivedRequest>();
        Assert.Equal("identity-resolution", received!.Service);
        Assert.Equal(GatewayFactory.OperatorName, received.Caller()?.Name);
        Assert.Null(received.Header("X-Operator"));
        Assert.Null(received.Header("X-Api-Key"));
        Assert.Equal(correlationId, received.Header("X-Correlation-Id"));
    }

    [Fact]
    public async Task A_valid_key_sent_as_a_bearer_token_is_accepted_and_not_forwarded()
    {
        using var client = fixture.Gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFactory.OperatorKey);

        using var response = await client.GetAsync($"/api/sales?probe={Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await response.Content.ReadFromJsonAsync<ReceivedRequest>();
        Assert.Equal(GatewayFactory.OperatorName, received!.Caller()?.Name);
        Assert.Null(received.Header("Authorization"));
    }

    [Fact]
    public async Task A_webhook_cannot_claim_to_come_from_an_operator()
    {
        using var client = fixture.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/hotmart?probe={Guid.NewGuid():N}") { Content = JsonContent.Create(new { @event = "PURCHASE_APPROVED" }) };
        request.Headers.Add("X-Operator", GatewayFactory.OperatorName);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await response.Content.ReadFromJsonAsync<ReceivedRequest>();
        Assert.Null(received!.Header("X-Operator"));
        Assert.Null(received.Header("X-Platform-Caller"));
    }

    [Fact]
    public async Task A_vendor_bearer_token_on_a_webhook_reaches_the_connector_untouched()
    {
        using var client = fixture.Gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "vendor-signing-token");

        using var response = await client.PostAsJsonAsync($"/webhooks/gohighlevel?probe={Guid.NewGuid():N}", new { type = "ContactCreate" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await response.Content.ReadFromJsonAsync<ReceivedRequest>();
        Assert.Equal("Bearer vendor-signing-token", received!.Header("Authorization"));
    }

    [Fact]
    public async Task The_operator_name_is_in_the_log_scope_and_the_key_is_never_logged()
    {
        using var client = fixture.Gateway.CreateOperatorClient();
        var probe = Guid.NewGuid().ToString("N");

        using var response = await client.GetAsync($"/api/reports/daily?probe={probe}");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/daily?probe={probe}");
        wrong.Headers.Add("X-Api-Key", "a-key-that-does-not-exist");
        using var rejected = await fixture.Gateway.CreateClient().SendAsync(wrong);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var logs = fixture.Gateway.Logs.Entries;
        Assert.Contains(logs, e => e.Message.Contains(probe, StringComparison.Ordinal)
            && e.Scope.GetValueOrDefault("Operator") == GatewayFactory.OperatorName);
        Assert.DoesNotContain(logs, e => e.Everything.Contains(GatewayFactory.OperatorKey, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, e => e.Everything.Contains("a-key-that-does-not-exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_no_keys_configured_every_api_call_is_a_401_and_one_warning_is_logged_at_startup()
    {
        await using var gateway = new GatewayFactory(fixture.Services.Settings(), withOperatorKey: false);
        using var client = gateway.CreateOperatorClient();
        var probe = Guid.NewGuid().ToString("N");

        using var first = await client.GetAsync($"/api/clients?probe={probe}");
        using var second = await client.GetAsync($"/api/campaigns?probe={probe}");

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Empty(fixture.Services.ReceivedWith(probe));
        var warning = Assert.Single(gateway.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Gateway:ApiKeys", StringComparison.Ordinal));
        Assert.Contains("401", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_configured_in_clear_instead_of_its_hash_stops_the_gateway_at_startup()
    {
        var settings = fixture.Services.Settings();
        settings["Gateway:ApiKeys:0:Name"] = "careless";
        settings["Gateway:ApiKeys:0:Sha256"] = "the-key-itself";
        using var gateway = new GatewayFactory(settings, withOperatorKey: false);

        var failure = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains("Gateway:ApiKeys:0:Sha256", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_route_configured_as_anonymous_still_requires_the_operator_key()
    {
        var settings = fixture.Services.Settings();
        settings["ReverseProxy:Routes:api-clients:AuthorizationPolicy"] = "anonymous";
        await using var gateway = new GatewayFactory(settings);
        using var client = gateway.CreateClient();
        var probe = Guid.NewGuid().ToString("N");

        using var response = await client.GetAsync($"/api/clients/1?probe={probe}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(fixture.Services.ReceivedWith(probe));
    }
}
