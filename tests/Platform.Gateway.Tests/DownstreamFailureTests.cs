using System.Net;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

public sealed class DownstreamFailureTests
{
    private static GatewayFactory GatewayWithDeadService(string cluster) =>
        new(new Dictionary<string, string?> { [DownstreamServices.ClusterAddressKey(cluster)] = DownstreamServices.DeadAddress() });

    [Fact]
    public async Task A_call_to_a_service_that_is_down_is_a_502_problem_details_naming_the_service()
    {
        await using var gateway = GatewayWithDeadService("identity-resolution");
        using var client = gateway.CreateOperatorClient();

        using var response = await client.GetAsync("/api/clients/42");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("identity-resolution is unavailable", problem.Title);
        Assert.Contains("identity-resolution", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("/api/clients/42", problem.Instance);
        Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), problem.CorrelationId);
    }

    [Fact]
    public async Task A_webhook_to_a_connector_that_is_down_is_a_502_problem_details_naming_the_connector()
    {
        await using var gateway = GatewayWithDeadService("connector-ploomes");
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("/webhooks/ploomes", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("connector-ploomes is unavailable", (await Problem.ReadAsync(response)).Title);
    }
}
