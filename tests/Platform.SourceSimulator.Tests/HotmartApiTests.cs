using System.Net;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class HotmartApiTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string History = "/payments/api/v1/sales/history";
    private const string Users = "/payments/api/v1/sales/users";

    private static readonly string[] Statuses =
    [
        "APPROVED", "BLOCKED", "CANCELLED", "CHARGEBACK", "COMPLETE", "EXPIRED", "NO_FUNDS", "OVERDUE", "PARTIALLY_REFUNDED",
        "PRE_ORDER", "PRINTED_BILLET", "PROCESSING_TRANSACTION", "PROTESTED", "REFUNDED", "STARTED", "UNDER_ANALISYS", "WAITING_PAYMENT",
    ];

    private readonly SimulatorApi _api = fixture.Api;

    [Fact]
    public async Task The_token_endpoint_gives_a_bearer_token_for_a_day_to_basic_client_credentials()
    {
        var credential = await _api.HotmartAccountAsync(size: 5);

        using var response = await _api.HotmartTokenAsync(credential);

        var token = await SimulatorApi.OkJsonAsync(response);
        Assert.Equal("bearer", (string)token["token_type"]!);
        Assert.Equal(86_400, (long)token["expires_in"]!);
        Assert.False(string.IsNullOrEmpty((string)token["access_token"]!));
    }

    [Fact]
    public async Task Sales_history_without_a_status_lists_only_approved_and_complete_sales()
    {
        var credential = await _api.HotmartAccountAsync(size: 300);
        var token = await _api.HotmartAccessTokenAsync(credential);

        var (items, _, total) = await _api.HotmartWalkAsync(token, History);

        Assert.Equal(total, items.Count);
        Assert.InRange(items.Count, 150, 250);
        Assert.All(items, i => Assert.True((string)i["purchase"]!["status"]! is "APPROVED" or "COMPLETE"));
    }

    [Fact]
    public async Task Asking_for_each_status_in_turn_finds_the_other_sales_and_together_every_sale_once()
    {
        var credential = await _api.HotmartAccountAsync(size: 400);
        var token = await _api.HotmartAccessTokenAsync(credential);

        var all = new List<JsonObject>();
        foreach (var status in Statuses)
        {
            var (items, _, _) = await _api.HotmartWalkAsync(token, History, $"&transaction_status={status}", maxResults: 100);
            Assert.All(items, i => Assert.Equal(status, (string)i["purchase"]!["status"]!));
            all.AddRange(items);
        }
        var (defaultItems, _, _) = await _api.HotmartWalkAsync(token, History, maxResults: 100);

        Assert.Equal(400, all.Count);
        Assert.Equal(400, all.Select(i => (string)i["purchase"]!["transaction"]!).Distinct().Count());
        Assert.True(all.Count - defaultItems.Count > 40, "a connector that does not loop over statuses misses many sales");
        Assert.True(all.Select(i => (string)i["purchase"]!["status"]!).Distinct().Count() >= 8);
    }

    [Fact]
    public async Task Page_token_walks_every_sale_exactly_once_newest_first()
    {
        var credential = await _api.HotmartAccountAsync(size: 250);
        var token = await _api.HotmartAccessTokenAsync(credential);

        var (items, pages, total) = await _api.HotmartWalkAsync(token, History, "&transaction_status=COMPLETE", maxResults: 7);

        Assert.Equal(total, items.Count);
        Assert.Equal((total + 6) / 7, pages);
        Assert.Equal(items.Count, items.Select(i => (string)i["purchase"]!["transaction"]!).Distinct().Count());
        var dates = items.Select(i => (long)i["purchase"]!["order_date"]!).ToList();
        Assert.Equal(dates.OrderByDescending(d => d), dates);
    }

    [Fact]
    public async Task Start_and_end_dates_in_epoch_milliseconds_bound_the_order_dates()
    {
        var credential = await _api.HotmartAccountAsync(size: 300);
        var token = await _api.HotmartAccessTokenAsync(credential);
        var (all, _, _) = await _api.HotmartWalkAsync(token, History, maxResults: 100);
        var end = (long)all[20]["purchase"]!["order_date"]!;
        var start = (long)all[80]["purchase"]!["order_date"]!;

        var (window, _, _) = await _api.HotmartWalkAsync(token, History, $"&start_date={start}&end_date={end}");

        Assert.Equal(61, window.Count);
        Assert.All(window, i => Assert.InRange((long)i["purchase"]!["order_date"]!, start, end));
    }

    [Fact]
    public async Task Sales_history_items_have_the_documented_shape()
    {
        var credential = await _api.HotmartAccountAsync(size: 20);
        var token = await _api.HotmartAccessTokenAsync(credential);

        var item = (await _api.HotmartWalkAsync(token, History, maxResults: 1)).Items[0];

        Assert.Equal(["product", "buyer", "producer", "purchase"], item.Select(p => p.Key));
        Assert.Equal(["name", "ucode", "email"], item["buyer"]!.AsObject().Select(p => p.Key));
        var purchase = item["purchase"]!.AsObject();
        Assert.StartsWith("HP", (string)purchase["transaction"]!, StringComparison.Ordinal);
        Assert.Equal(16, ((string)purchase["transaction"]!).Length);
        Assert.Equal(["value", "currency_code"], purchase["price"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["method", "installments_number", "type"], purchase["payment"]!.AsObject().Select(p => p.Key));
        Assert.True((long)purchase["order_date"]! > 1_000_000_000_000, "dates are epoch milliseconds");
    }

    [Fact]
    public async Task Sales_users_gives_the_buyer_with_phones_address_and_a_valid_cpf_and_the_producer()
    {
        var credential = await _api.HotmartAccountAsync(size: 100);
        var token = await _api.HotmartAccessTokenAsync(credential);
        var sale = (await _api.HotmartWalkAsync(token, History, maxResults: 1)).Items[0];
        var transaction = (string)sale["purchase"]!["transaction"]!;

        var (items, _, _) = await _api.HotmartWalkAsync(token, Users, $"&transaction={transaction}");

        var item = Assert.Single(items);
        Assert.Equal(transaction, (string)item["transaction"]!);
        var users = item["users"]!.AsArray();
        Assert.Equal(["BUYER", "PRODUCER"], users.Select(u => (string)u!["role"]!).Order());
        var buyer = users.Single(u => (string)u!["role"]! == "BUYER")!["user"]!;
        Assert.Equal((string)sale["buyer"]!["ucode"]!, (string)buyer["ucode"]!);
        Assert.Equal((string)sale["buyer"]!["email"]!, (string)buyer["email"]!);
        Assert.Equal(["ucode", "locale", "name", "cellphone", "phone", "email", "documents", "address"], buyer.AsObject().Select(p => p.Key));
        Assert.Equal(["city", "state", "country", "zip_code", "address", "complement", "neighborhood", "number"], buyer["address"]!.AsObject().Select(p => p.Key));
        Assert.InRange(BrazilianDocumentRules.NationalPhone((string)buyer["cellphone"]!).Length, 10, 11);

        var (allUsers, _, _) = await _api.HotmartWalkAsync(token, Users, "&transaction_status=APPROVED", maxResults: 100);
        var documents = allUsers.SelectMany(i => i["users"]!.AsArray()).SelectMany(u => u!["user"]!["documents"]!.AsArray()).ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, d =>
        {
            Assert.Equal("CPF", (string)d!["type"]!);
            Assert.True(BrazilianDocumentRules.IsValidCpf((string)d["value"]!), $"{d["value"]} is a valid CPF");
        });
    }

    [Fact]
    public async Task A_wrong_secret_gets_no_token_and_a_made_up_token_gets_a_401()
    {
        var credential = await _api.HotmartAccountAsync(size: 5);

        using var wrongSecret = await _api.HotmartTokenAsync(credential, secretOverride: "not-the-secret");
        using var madeUp = await _api.HotmartGetAsync("made-up-token", History);
        using var none = await _api.Http.GetAsync(History);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal("unauthorized", (string)(await SimulatorApi.JsonAsync(wrongSecret))["error"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, madeUp.StatusCode);
        Assert.Equal("invalid_token", (string)(await SimulatorApi.JsonAsync(madeUp))["error"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Theory]
    [InlineData("transaction_status=PAID", "invalid_value_parameter")]
    [InlineData("start_date=yesterday", "invalid_value_parameter")]
    [InlineData("page_token=not-a-token", "invalid_token")]
    public async Task Invalid_parameters_are_a_400_in_hotmart_error_shape(string query, string error)
    {
        var credential = await _api.HotmartAccountAsync(size: 5);
        var token = await _api.HotmartAccessTokenAsync(credential);

        using var response = await _api.HotmartGetAsync(token, $"{History}?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await SimulatorApi.JsonAsync(response);
        Assert.Equal(error, (string)body["error"]!);
        Assert.False(string.IsNullOrEmpty((string)body["error_description"]!));
    }
}
