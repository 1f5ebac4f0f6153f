using System.Net;
using System.Net.Http.Json;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

public sealed class RoutingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("/api/clients", "identity-resolution")]
    [InlineData("/api/clients/42/identities", "identity-resolution")]
    [InlineData("/api/conflicts", "identity-resolution")]
    [InlineData("/api/conflicts/7/decision", "identity-resolution")]
    [InlineData("/api/identity/normalize", "identity-resolution")]
    [InlineData("/api/sales", "aggregation")]
    [InlineData("/api/sales/2024", "aggregation")]
    [InlineData("/api/customers/9/360", "aggregation")]
    [InlineData("/api/cs-customers", "aggregation")]
    [InlineData("/api/reports/monthly", "aggregation")]
    [InlineData("/api/syncs/5/cancel", "sync-orchestrator")]
    [InlineData("/api/sources", "sync-orchestrator")]
    [InlineData("/api/schedules/1", "sync-orchestrator")]
    [InlineData("/api/alerts", "sync-orchestrator")]
    [InlineData("/api/unify", "sync-orchestrator")]
    [InlineData("/api/workspaces", "sync-orchestrator")]
    [InlineData("/api/workspaces/blue/sources/stripe", "sync-orchestrator")]
    [InlineData("/api/sources/stripe/spec", "sync-orchestrator")]
    [InlineData("/api/campaigns/3/executions", "campaigns")]
    [InlineData("/api/imports/upload", "connector-csv")]
    public async Task An_operator_call_reaches_the_service_that_owns_the_route_at_the_same_path(string path, string service)
    {
        using var client = fixture.Gateway.CreateOperatorClient();
        var target = $"{path}?page=2&probe={Guid.NewGuid():N}";

        using var response = await client.GetAsync(target);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<ReceivedRequest>();
        Assert.Equal(service, echo!.Service);
        Assert.Equal(target, echo.Path);
    }

    [Theory]
    [InlineData("stripe")]
    [InlineData("hotmart")]
    [InlineData("ploomes")]
    [InlineData("gohighlevel")]
    [InlineData("manychat")]
    [InlineData("paypal")]
    [InlineData("sgt")]
    [InlineData("csv")]
    public async Task A_vendor_webhook_reaches_its_connector_without_an_operator_key(string source)
    {
        using var client = fixture.Gateway.CreateClient();
        var probe = Guid.NewGuid().ToString("N");

        using var bare = await client.PostAsJsonAsync($"/webhooks/{source}?probe={probe}", new { id = "evt_1" });
        using var nested = await client.PostAsJsonAsync($"/webhooks/{source}/events/{probe}", new { id = "evt_2" });

        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nested.StatusCode);
        var received = fixture.Services.ReceivedWith(probe);
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal($"connector-{source}", r.Service));
        Assert.All(received, r => Assert.Equal("POST", r.Method));
    }

    [Fact]
    public async Task The_correlation_id_a_caller_sends_reaches_the_service_and_comes_back()
    {
        using var client = fixture.Gateway.CreateOperatorClient();
        var correlationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/clients?probe={Guid.NewGuid():N}");
        request.Headers.Add("X-Correlation-Id", correlationId);

        using var response = await client.SendAsync(request);

        var echo = await response.Content.ReadFromJsonAsync<ReceivedRequest>();
        Assert.Equal(correlationId, echo!.Header("X-Correlation-Id"));
        Assert.Equal(correlationId, response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task A_call_without_a_correlation_id_gets_one_that_the_service_sees_too()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.PostAsJsonAsync($"/webhooks/stripe?probe={Guid.NewGuid():N}", new { id = "evt_3" });

        var echo = await response.Content.ReadFromJsonAsync<ReceivedRequest>();
        var issued = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.True(Guid.TryParse(issued, out _));
        Assert.Equal(issued, echo!.Header("X-Correlation-Id"));
    }

    [Fact]
    public async Task A_service_error_is_passed_back_to_the_caller_unchanged()
    {
        using var client = fixture.Gateway.CreateOperatorClient();

        using var response = await client.GetAsync("/api/conflicts/1?respond=409");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("identity-resolution says no", problem.Title);
    }

    [Theory]
    [InlineData("/nothing-here")]
    [InlineData("/api")]
    [InlineData("/webhooks/unknown-vendor")]
    [InlineData("/internal/sources/stripe/settings")]
    public async Task An_unknown_route_is_a_404_problem_details(string path)
    {
        using var client = fixture.Gateway.CreateOperatorClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(path, problem.Instance);
        Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), problem.CorrelationId);
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served()
    {
        using var client = fixture.Gateway.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"openapi\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
