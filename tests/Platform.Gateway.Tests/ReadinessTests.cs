using System.Net;
using System.Text.Json;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

/// <summary>Each test starts its own fakes: readiness answers are per-service state.</summary>
public sealed class ReadinessTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private sealed record Check(string Name, string Status, string? Description);

    private sealed record Report(string Status, List<Check> Checks);

    private static async Task<(HttpStatusCode Status, Check Downstream)> ReadyAsync(GatewayFactory gateway)
    {
        using var client = gateway.CreateClient();
        using var response = await client.GetAsync("/health/ready");
        var report = JsonSerializer.Deserialize<Report>(await response.Content.ReadAsStringAsync(), Web);
        return (response.StatusCode, Assert.Single(report!.Checks, c => c.Name == "downstream-services"));
    }

    private static Dictionary<string, string?> PointAt(params (string Cluster, string Address)[] clusters) =>
        clusters.ToDictionary(c => DownstreamServices.ClusterAddressKey(c.Cluster), c => (string?)c.Address);

    [Fact]
    public async Task The_gateway_is_ready_when_every_listed_service_is()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var identity = await FakeService.StartAsync("identity-resolution");
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", identity.Address.ToString())));

        var (status, check) = await ReadyAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", check.Status);
        Assert.Equal(1, stripe.ReadyCalls);
        Assert.Equal(1, identity.ReadyCalls);
    }

    [Fact]
    public async Task A_service_that_is_down_shows_in_the_detail_but_leaves_the_gateway_ready()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var identity = await FakeService.StartAsync("identity-resolution");
        identity.ReadyStatus = 503;
        identity.ReadyBody = """{"status":"Unhealthy","checks":[{"name":"postgres","status":"Unhealthy"},{"name":"masstransit-bus","status":"Healthy"}]}""";
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", identity.Address.ToString())));

        var (status, check) = await ReadyAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", check.Status);
        Assert.Equal("identity-resolution: 503 (failing: postgres)", check.Description);
    }

    [Fact]
    public async Task Readiness_never_repeats_what_a_service_or_an_exception_said()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var identity = await FakeService.StartAsync("identity-resolution");
        identity.ReadyStatus = 503;
        identity.ReadyBody = """{"status":"Unhealthy","checks":[{"name":"postgres","status":"Unhealthy","description":"password authentication failed for user \"identity\" at 10.0.3.7"}]}""";
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", identity.Address.ToString())));
        using var client = gateway.CreateClient();

        var body = await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync();

        Assert.Contains("identity-resolution", body, StringComparison.Ordinal);
        Assert.DoesNotContain("password", body, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.3.7", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhooks_of_a_healthy_connector_are_served_while_another_service_is_down()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", DownstreamServices.DeadAddress())));
        using var client = gateway.CreateClient();

        var (status, check) = await ReadyAsync(gateway);
        using var webhook = await client.PostAsync("/webhooks/stripe/ws-1?marker=healthy-connector", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("identity-resolution: connection refused", check.Description);
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        Assert.Single(stripe.ReceivedWith("healthy-connector"));
    }

    [Fact]
    public async Task Each_services_readiness_is_a_metric()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", DownstreamServices.DeadAddress())));
        using var client = gateway.CreateClient();
        await ReadyAsync(gateway);

        var metrics = await client.GetStringAsync("/metrics");

        Assert.Contains("platform_gateway_backend_ready{otel_scope_name=\"Platform\",service=\"connector-stripe\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("platform_gateway_backend_ready{otel_scope_name=\"Platform\",service=\"identity-resolution\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_names_every_unready_service_including_ones_added_to_the_list()
    {
        await using var aggregation = await FakeService.StartAsync("aggregation");
        aggregation.ReadyStatus = 503;
        var settings = PointAt(
            ("connector-stripe", DownstreamServices.DeadAddress()),
            ("identity-resolution", DownstreamServices.DeadAddress()),
            ("aggregation", aggregation.Address.ToString()));
        settings["Gateway:ReadyServices:2"] = "aggregation";
        await using var gateway = new GatewayFactory(settings);

        var (_, check) = await ReadyAsync(gateway);

        Assert.Contains("connector-stripe: connection refused", check.Description, StringComparison.Ordinal);
        Assert.Contains("identity-resolution: connection refused", check.Description, StringComparison.Ordinal);
        Assert.Contains("aggregation: 503", check.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_gives_up_on_a_service_after_two_seconds_and_asks_the_others_meanwhile()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var identity = await FakeService.StartAsync("identity-resolution");
        stripe.ReadyDelay = TimeSpan.FromSeconds(10);
        identity.ReadyDelay = TimeSpan.FromSeconds(10);
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", identity.Address.ToString())));
        using var warmUp = await gateway.CreateClient().GetAsync("/health/live");

        var (status, check) = await ReadyAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("connector-stripe: no answer within 2 s; identity-resolution: no answer within 2 s", check.Description);
    }

    [Fact]
    public async Task Liveness_stays_local_and_asks_no_service()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", DownstreamServices.DeadAddress())));
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, stripe.ReadyCalls);
    }
}
