using System.Globalization;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class MutationTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    [Fact]
    public async Task Mutating_ploomes_moves_LastUpdateDate_so_an_incremental_filter_finds_exactly_the_changes()
    {
        var key = await _api.PloomesAccountAsync(size: 150);
        var watermark = (await _api.PloomesValueAsync(key, "/Contacts?$top=1&$orderby=LastUpdateDate desc"))[0]["LastUpdateDate"]!.ToString();

        var result = await _api.PostAsync("/_simulator/mutate", new { source = "ploomes", credential = key, count = 10 });

        var changedContacts = result["updated"]!.AsArray().Concat(result["created"]!.AsArray())
            .Where(r => (string)r!["stream"]! == "contacts").Select(r => long.Parse((string)r!["id"]!, CultureInfo.InvariantCulture)).ToHashSet();
        var seen = await _api.PloomesWalkAsync(key, "Contacts", $"&$filter=LastUpdateDate gt {Uri.EscapeDataString(watermark)}&$orderby=LastUpdateDate");
        Assert.Equal(changedContacts.Order(), seen.Select(c => (long)c["Id"]!).Order());
        Assert.Equal(2, result["created"]!.AsArray().Count(r => (string)r!["stream"]! == "contacts"));
        Assert.Equal(152, (await _api.PloomesWalkAsync(key, "Contacts")).Count);
    }

    [Fact]
    public async Task Mutating_stripe_records_events_and_puts_new_customers_first()
    {
        var key = await _api.StripeAccountAsync(size: 100);
        var before = (await _api.StripeListAsync(key, "/v1/events?limit=1"))["data"]!.AsArray().FirstOrDefault()?["id"]?.ToString();

        var result = await _api.PostAsync("/_simulator/mutate", new { source = "stripe", credential = key, count = 8 });

        var events = before is null
            ? (await _api.StripeWalkAsync(key, "events")).Objects
            : (await _api.StripeWalkAsync(key, "events", $"&ending_before={before}")).Objects;
        Assert.Equal(result["events"]!.AsArray().Select(e => (string)e!).Order(), events.Select(e => (string)e["id"]!).Order());
        Assert.Contains(events, e => (string)e["type"]! == "customer.updated" && e["data"]!["previous_attributes"] is JsonObject);
        var newCustomer = result["created"]!.AsArray().First(r => (string)r!["stream"]! == "customers")!["id"]!.ToString();
        var newest = (await _api.StripeListAsync(key, "/v1/customers?limit=2"))["data"]!.AsArray().Select(c => (string)c!["id"]!);
        Assert.Contains(newCustomer, newest);
        Assert.Equal(101, (await _api.StripeWalkAsync(key, "customers")).Objects.Count);
    }

    [Fact]
    public async Task Mutating_hotmart_changes_sale_statuses_and_adds_approved_sales()
    {
        var credential = await _api.HotmartAccountAsync(size: 100);
        var token = await _api.HotmartAccessTokenAsync(credential);
        var before = new Dictionary<string, string>();
        foreach (var status in new[] { "APPROVED", "COMPLETE", "WAITING_PAYMENT", "PRINTED_BILLET", "STARTED", "PROCESSING_TRANSACTION", "UNDER_ANALISYS", "REFUNDED", "CHARGEBACK" })
        {
            foreach (var item in (await _api.HotmartWalkAsync(token, "/payments/api/v1/sales/history", $"&transaction_status={status}", maxResults: 100)).Items)
            {
                before[(string)item["purchase"]!["transaction"]!] = status;
            }
        }

        var result = await _api.PostAsync("/_simulator/mutate", new { source = "hotmart", credential, count = 5 });

        foreach (var changed in result["updated"]!.AsArray())
        {
            var transaction = (string)changed!["id"]!;
            var (items, _, _) = await _api.HotmartWalkAsync(token, "/payments/api/v1/sales/history", $"&transaction={transaction}");
            Assert.NotEqual(before[transaction], (string)Assert.Single(items)["purchase"]!["status"]!);
        }
        var created = (string)result["created"]![0]!["id"]!;
        var (newSale, _, _) = await _api.HotmartWalkAsync(token, "/payments/api/v1/sales/history", $"&transaction={created}");
        Assert.Equal("APPROVED", (string)Assert.Single(newSale)["purchase"]!["status"]!);
    }
}
