using Platform.Contracts.IdentityResolution;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class Customer360Tests(AggregationFixture service)
{
    private static IEnumerable<RecordLinked> Purchases(string workspace, Guid client, string prefix, int count, int everyDays, int lastDaysAgo,
        decimal amount = 100m)
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var at = now.AddDays(-lastDaysAgo - (everyDays * (count - 1 - i)));
            yield return Linked(workspace, client, HotmartPurchase($"{prefix}{i}", "APPROVED", amount, at, at));
        }
    }

    [Fact]
    public async Task Customer_360_segments_clients_and_rates_churn_risk_against_their_own_purchase_rhythm()
    {
        var workspace = NewWorkspace();
        var (lead, fresh, steady, slipping, gone, vip) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, lead, PloomesContact("PL", now.AddDays(-3))),
            Linked(workspace, lead, PloomesDeal("PLD", "open", 1000m, now.AddDays(-3))),
            .. Purchases(workspace, fresh, "F", count: 1, everyDays: 0, lastDaysAgo: 5),
            // Monthly buyer, last bought 20 days ago: on rhythm.
            .. Purchases(workspace, steady, "S", count: 6, everyDays: 30, lastDaysAgo: 20),
            // Monthly buyer silent for 100 days: more than three times its rhythm.
            .. Purchases(workspace, slipping, "R", count: 6, everyDays: 30, lastDaysAgo: 100),
            // Two purchases a month apart, then 400 days of silence.
            .. Purchases(workspace, gone, "G", count: 2, everyDays: 30, lastDaysAgo: 400),
            .. Purchases(workspace, vip, "V", count: 3, everyDays: 60, lastDaysAgo: 40, amount: 5000m),
            Linked(workspace, vip, Movement("DEP1", "deposit", 10000m, now.AddDays(-50))),
            Linked(workspace, vip, Movement("DEP2", "aporte", 2500m, now.AddDays(-45))),
            Linked(workspace, vip, Movement("WD1", "saque", 1200m, now.AddDays(-2))),
        ]);

        async Task<Customer360Dto> View(Guid client) => await service.GetJsonAsync<Customer360Dto>($"/api/customers/{client}/360");
        var views = new Dictionary<string, Customer360Dto>
        {
            ["lead"] = await View(lead), ["fresh"] = await View(fresh), ["steady"] = await View(steady),
            ["slipping"] = await View(slipping), ["gone"] = await View(gone), ["vip"] = await View(vip),
        };
        Assert.Equal(
            new Dictionary<string, (string, string?)>
            {
                ["lead"] = ("lead", null), ["fresh"] = ("new", "low"), ["steady"] = ("active", "low"),
                ["slipping"] = ("at_risk", "high"), ["gone"] = ("churned", "high"), ["vip"] = ("vip", "low"),
            },
            views.ToDictionary(v => v.Key, v => (v.Value.Segment, v.Value.ChurnRisk)));

        Assert.Equal((6, 30.00m, 600.00m, "BRL"), (views["steady"].PurchaseCount, views["steady"].PurchaseIntervalDays, views["steady"].Ltv, views["steady"].LtvCurrency));
        Assert.Equal((12500.00m, 1200.00m, "BRL"), (views["vip"].TotalDeposit, views["vip"].TotalWithdraw, views["vip"].InvestmentCurrency));
        Assert.Equal(15000.00m, views["vip"].Ltv);
        // Investments are not revenue.
        Assert.Equal(15000.00m, Assert.Single(views["vip"].Sales).TotalRevenue);
        Assert.InRange(views["vip"].LastActivityAt!.Value, now.AddDays(-2).AddMinutes(-1), now.AddDays(-2).AddMinutes(1));
        Assert.Equal((0, null), (views["lead"].PurchaseCount, views["lead"].Ltv));
        Assert.Equal(["ploomes"], views["lead"].Metadata.GetProperty("sources").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.True(views["steady"].IsCsCustomer);
        Assert.False(views["lead"].IsCsCustomer);
    }
}
