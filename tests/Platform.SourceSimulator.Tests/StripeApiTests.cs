using System.Net;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;
using Platform.Testing;

namespace Platform.SourceSimulator.Tests;

public sealed class StripeApiTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    [Fact]
    public async Task Paging_customers_with_starting_after_walks_every_customer_exactly_once_newest_first()
    {
        var key = await _api.StripeAccountAsync(size: 250);

        var (customers, pages) = await _api.StripeWalkAsync(key, "customers");

        Assert.Equal(3, pages);
        Assert.Equal(250, customers.Count);
        Assert.Equal(250, customers.Select(c => (string)c["id"]!).Distinct().Count());
        Assert.All(customers, c => Assert.StartsWith("cus_", (string)c["id"]!, StringComparison.Ordinal));
        var created = customers.Select(c => (long)c["created"]!).ToList();
        Assert.Equal(created.OrderByDescending(c => c), created);
    }

    [Fact]
    public async Task Without_a_limit_a_page_has_ten_objects_in_a_stripe_list_envelope()
    {
        var key = await _api.StripeAccountAsync(size: 30);

        var page = await _api.StripeListAsync(key, "/v1/charges");

        Assert.Equal("list", (string)page["object"]!);
        Assert.Equal("/v1/charges", (string)page["url"]!);
        Assert.True((bool)page["has_more"]!);
        Assert.Equal(10, page["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Ending_before_gives_the_newer_neighbours_of_the_cursor_newest_first()
    {
        var key = await _api.StripeAccountAsync(size: 60);
        var first = (await _api.StripeListAsync(key, "/v1/customers?limit=20"))["data"]!.AsArray();
        var second = (await _api.StripeListAsync(key, $"/v1/customers?limit=20&starting_after={first[^1]!["id"]}"))["data"]!.AsArray();

        var back = await _api.StripeListAsync(key, $"/v1/customers?limit=20&ending_before={second[0]!["id"]}");

        Assert.Equal(first.Select(c => (string)c!["id"]!), back["data"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.False((bool)back["has_more"]!);
    }

    [Fact]
    public async Task Created_filters_keep_only_the_objects_created_inside_the_range()
    {
        var key = await _api.StripeAccountAsync(size: 200);
        var (all, _) = await _api.StripeWalkAsync(key, "charges");
        var from = (long)all[150]["created"]!;
        var to = (long)all[50]["created"]!;

        var (inRange, _) = await _api.StripeWalkAsync(key, "charges", $"&created[gte]={from}&created[lt]={to}", limit: 30);
        var (after, _) = await _api.StripeWalkAsync(key, "charges", $"&created[gt]={to}");
        var (before, _) = await _api.StripeWalkAsync(key, "charges", $"&created[lt]={from}");
        var (upToTo, _) = await _api.StripeWalkAsync(key, "charges", $"&created[lte]={to}");

        var expected = all.Where(c => (long)c["created"]! >= from && (long)c["created"]! < to).Select(c => (string)c["id"]!).ToList();
        Assert.Equal(expected, inRange.Select(c => (string)c["id"]!));
        Assert.InRange(expected.Count, 95, 105);
        Assert.All(after, c => Assert.True((long)c["created"]! > to));
        Assert.All(before, c => Assert.True((long)c["created"]! < from));
        Assert.All(upToTo, c => Assert.True((long)c["created"]! <= to));
        Assert.Equal(all.Count, before.Count + inRange.Count + after.Count + all.Count(c => (long)c["created"]! == to));
        Assert.Equal(all.Count, upToTo.Count + after.Count);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("starting_after=cus_a&ending_before=cus_b", "starting_after")]
    [InlineData("created[gte]=yesterday", "created[gte]")]
    public async Task Invalid_list_parameters_are_refused_with_a_stripe_invalid_request_error(string query, string param)
    {
        var key = await _api.StripeAccountAsync(size: 5);

        using var response = await _api.StripeGetAsync(key, "/v1/customers?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await SimulatorApi.JsonAsync(response))["error"]!;
        Assert.Equal("invalid_request_error", (string)error["type"]!);
        Assert.Equal(param, (string)error["param"]!);
    }

    [Fact]
    public async Task A_cursor_that_names_no_object_is_a_resource_missing_error()
    {
        var key = await _api.StripeAccountAsync(size: 5);

        using var response = await _api.StripeGetAsync(key, "/v1/customers?starting_after=cus_doesnotexist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("resource_missing", (string)(await SimulatorApi.JsonAsync(response))["error"]!["code"]!);
    }

    [Theory]
    [InlineData("customers", "customer")]
    [InlineData("charges", "charge")]
    [InlineData("payment_intents", "payment_intent")]
    [InlineData("invoices", "invoice")]
    [InlineData("subscriptions", "subscription")]
    [InlineData("refunds", "refund")]
    [InlineData("disputes", "dispute")]
    [InlineData("events", "event")]
    public async Task Every_stream_lists_objects_with_exactly_the_fields_of_the_vendor_sample(string resource, string sample)
    {
        var key = await _api.StripeAccountAsync(size: 300);
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.VendorSamples, "stripe", sample + ".json")))!
            .AsObject().Select(p => p.Key).ToList();

        var data = (await _api.StripeListAsync(key, $"/v1/{resource}?limit=100"))["data"]!.AsArray();

        Assert.NotEmpty(data);
        Assert.All(data, o =>
        {
            Assert.Equal(expected, o!.AsObject().Select(p => p.Key));
            Assert.Equal(sample, (string)o["object"]!);
        });
        if (data[0]!["amount"] is JsonValue amount)
        {
            Assert.True(data.All(o => o!["amount"]!.GetValue<long>() > 0), "amounts are integers in minor units");
            Assert.True(data.Count(o => (string)o!["currency"]! == "brl") > data.Count / 2, "most amounts are in brl");
            _ = amount;
        }
    }

    [Fact]
    public async Task A_payment_intent_and_its_charge_point_at_each_other_and_share_amount_and_customer()
    {
        var key = await _api.StripeAccountAsync(size: 20);
        var charge = (await _api.StripeListAsync(key, "/v1/charges?limit=1"))["data"]![0]!;

        var intent = await SimulatorApi.OkJsonAsync(await _api.StripeGetAsync(key, $"/v1/payment_intents/{charge["payment_intent"]}"));

        Assert.Equal((string)charge["id"]!, (string)intent["latest_charge"]!);
        Assert.Equal((long)charge["amount"]!, (long)intent["amount"]!);
        Assert.Equal((string)charge["customer"]!, (string)intent["customer"]!);
        var customers = await _api.StripeListAsync(key, $"/v1/charges?customer={charge["customer"]}&limit=100");
        Assert.Contains(customers["data"]!.AsArray(), c => (string)c!["id"]! == (string)charge["id"]!);
    }

    [Fact]
    public async Task Subscriptions_leave_out_canceled_ones_unless_status_asks_for_them()
    {
        var key = await _api.StripeAccountAsync(size: 200);

        var (listed, _) = await _api.StripeWalkAsync(key, "subscriptions");
        var (canceled, _) = await _api.StripeWalkAsync(key, "subscriptions", "&status=canceled");
        var (all, _) = await _api.StripeWalkAsync(key, "subscriptions", "&status=all");

        Assert.DoesNotContain(listed, s => (string)s["status"]! == "canceled");
        Assert.NotEmpty(canceled);
        Assert.Equal(200, all.Count);
        Assert.Equal(all.Count, listed.Count + canceled.Count);
    }

    [Fact]
    public async Task Events_exist_for_the_last_30_days_only_and_filter_by_types()
    {
        var key = await _api.StripeAccountAsync(size: 1000);
        var thirtyDaysAgo = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds();

        var (events, _) = await _api.StripeWalkAsync(key, "events");
        var (customerCreated, _) = await _api.StripeWalkAsync(key, "events", "&types[]=customer.created&types[]=charge.refunded");
        var (old, _) = await _api.StripeWalkAsync(key, "events", $"&created[lt]={thirtyDaysAgo - 86_400}");

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True((long)e["created"]! >= thirtyDaysAgo - 5));
        Assert.Empty(old);
        Assert.NotEmpty(customerCreated);
        Assert.All(customerCreated, e => Assert.True((string)e["type"]! is "customer.created" or "charge.refunded"));
        Assert.Equal(events.Count(e => (string)e["type"]! is "customer.created" or "charge.refunded"), customerCreated.Count);
        var created = events.Select(e => (long)e["created"]!).ToList();
        Assert.Equal(created.OrderByDescending(c => c), created);
    }

    [Fact]
    public async Task Retrieving_one_object_by_id_gives_the_same_object_as_the_list()
    {
        var key = await _api.StripeAccountAsync(size: 10);
        var listed = (await _api.StripeListAsync(key, "/v1/invoices?limit=1"))["data"]![0]!;

        var retrieved = await SimulatorApi.OkJsonAsync(await _api.StripeGetAsync(key, $"/v1/invoices/{listed["id"]}"));

        Assert.True(JsonNode.DeepEquals(listed, retrieved));
    }
}
