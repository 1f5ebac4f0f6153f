using System.Diagnostics;
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
    public async Task Readiness_names_a_service_that_answers_503_and_what_it_said()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var identity = await FakeService.StartAsync("identity-resolution");
        identity.ReadyStatus = 503;
        identity.ReadyBody = """{"status":"Unhealthy","checks":[{"name":"postgres","status":"Unhealthy"}]}""";
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", identity.Address.ToString())));

        var (status, check) = await ReadyAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", check.Status);
        Assert.StartsWith("identity-resolution: 503 ", check.Description, StringComparison.Ordinal);
        Assert.Contains("postgres", check.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("connector-stripe", check.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_names_a_service_that_nothing_listens_for()
    {
        await using var stripe = await FakeService.StartAsync("connector-stripe");
        await using var gateway = new GatewayFactory(PointAt(
            ("connector-stripe", stripe.Address.ToString()), ("identity-resolution", DownstreamServices.DeadAddress())));

        var (status, check) = await ReadyAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("identity-resolution: connection refused", check.Description);
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

        var clock = Stopwatch.StartNew();
        var (status, check) = await ReadyAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("connector-stripe: no answer within 2 s; identity-resolution: no answer within 2 s", check.Description);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(3.9));
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
