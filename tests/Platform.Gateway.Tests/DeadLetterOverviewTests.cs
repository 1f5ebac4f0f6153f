using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Gateway.Tests.Support;

namespace Platform.Gateway.Tests;

public sealed class DeadLetterOverviewTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private sealed record Row(string Service, string Queue, long DeadLettered);

    private sealed record Overview(long TotalDeadLettered, List<Row> Queues, List<JsonElement> Unavailable);

    private sealed record Outcome(string Service, string Queue, long Replayed);

    private static async Task<(FakeService Stripe, FakeService Identity, GatewayFactory Gateway)> StartAsync()
    {
        var stripe = await FakeService.StartAsync("connector-stripe");
        var identity = await FakeService.StartAsync("identity-resolution");
        stripe.DeadLettered = new() { ["connector-stripe"] = 0 };
        identity.DeadLettered = new() { ["identity-resolution-raw-record-staged"] = 294 };
        var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            [DownstreamServices.ClusterAddressKey("connector-stripe")] = stripe.Address.ToString(),
            [DownstreamServices.ClusterAddressKey("identity-resolution")] = identity.Address.ToString(),
        });
        return (stripe, identity, gateway);
    }

    [Fact]
    public async Task Operators_see_dead_lettered_messages_of_every_service_in_one_list()
    {
        var (stripe, identity, gateway) = await StartAsync();
        await using var _1 = stripe;
        await using var _2 = identity;
        await using var _3 = gateway;
        using var client = gateway.CreateOperatorClient();

        var overview = await client.GetFromJsonAsync<Overview>("/api/dead-letters", Web);

        Assert.Equal(294, overview!.TotalDeadLettered);
        Assert.Equal(new Row("identity-resolution", "identity-resolution-raw-record-staged", 294), overview.Queues[0]);
        Assert.Contains(overview.Queues, q => q.Queue == "connector-stripe" && q.DeadLettered == 0);
        Assert.Empty(overview.Unavailable);
    }

    [Fact]
    public async Task One_call_replays_every_queue_with_dead_letters_and_names_the_operator()
    {
        var (stripe, identity, gateway) = await StartAsync();
        await using var _1 = stripe;
        await using var _2 = identity;
        await using var _3 = gateway;
        using var client = gateway.CreateOperatorClient();

        using var response = await client.PostAsync("/api/dead-letters/replay", null);
        var outcomes = await response.Content.ReadFromJsonAsync<List<Outcome>>(Web);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([new Outcome("identity-resolution", "identity-resolution-raw-record-staged", 294)], outcomes);
        var replay = Assert.Single(identity.Received, r => r.Method == "POST");
        Assert.Equal(GatewayFactory.OperatorName, replay.Caller()?.Name);
        Assert.Equal("service", replay.Caller()?.Role);
        Assert.Equal(0, (await client.GetFromJsonAsync<Overview>("/api/dead-letters", Web))!.TotalDeadLettered);
    }

    [Fact]
    public async Task Dead_letters_are_for_operators_only()
    {
        var (stripe, identity, gateway) = await StartAsync();
        await using var _1 = stripe;
        await using var _2 = identity;
        await using var _3 = gateway;
        using var anonymous = gateway.CreateClient();

        using var list = await anonymous.GetAsync("/api/dead-letters");
        using var replay = await anonymous.PostAsync("/api/dead-letters/replay", null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Empty(identity.Received);
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_named_and_the_others_are_still_listed()
    {
        await using var identity = await FakeService.StartAsync("identity-resolution");
        identity.DeadLettered = new() { ["identity-resolution-raw-record-staged"] = 3 };
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            [DownstreamServices.ClusterAddressKey("connector-stripe")] = DownstreamServices.DeadAddress(),
            [DownstreamServices.ClusterAddressKey("identity-resolution")] = identity.Address.ToString(),
        });
        using var client = gateway.CreateOperatorClient();

        var overview = await client.GetFromJsonAsync<Overview>("/api/dead-letters", Web);

        Assert.Equal(3, overview!.TotalDeadLettered);
        Assert.Equal("connector-stripe", Assert.Single(overview.Unavailable).GetProperty("service").GetString());
    }
}
