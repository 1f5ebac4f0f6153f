using Platform.Contracts.IdentityResolution;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class CustomerSalesTests(AggregationFixture service)
{
    [Fact]
    public async Task Ploomes_deals_won_and_lost_a_Hotmart_purchase_approved_then_refunded_and_a_Stripe_charge_then_a_dispute_in_shuffled_order_and_replayed_give_the_right_customer_sales()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        var day = TimeSpan.FromDays(1);
        List<RecordLinked> history =
        [
            // Ploomes: one deal opened then won, one opened then lost, one still open.
            Linked(workspace, client, PloomesDeal("D1", "open", 1000m, T0, T0)),
            Linked(workspace, client, PloomesDeal("D1", "won", 1000m, T0 + 3 * day, T0 + 3 * day)),
            Linked(workspace, client, PloomesDeal("D2", "open", 500m, T0, T0)),
            Linked(workspace, client, PloomesDeal("D2", "lost", 500m, T0 + 2 * day, T0 + 2 * day)),
            Linked(workspace, client, PloomesDeal("D3", "open", 300m, T0 + day, T0 + day)),
            // Hotmart: one purchase approved then refunded, one approved then complete.
            Linked(workspace, client, HotmartPurchase("HP1", "APPROVED", 197m, T0 + day, T0 + day)),
            Linked(workspace, client, HotmartPurchase("HP1", "REFUNDED", 197m, T0 + 5 * day, T0 + day)),
            Linked(workspace, client, HotmartPurchase("HP2", "APPROVED", 97m, T0 + 4 * day, T0 + 4 * day)),
            Linked(workspace, client, HotmartPurchase("HP2", "COMPLETE", 97m, T0 + 40 * day, T0 + 4 * day)),
            // Stripe: a charge then a dispute on it (the connector sends the dispute as its own record), and a clean charge.
            Linked(workspace, client, StripeCharge("ch_1", 50m, T0 + 2 * day)),
            Linked(workspace, client, StripeAdjustment("dp_1", "ch_1", 50m, T0 + 6 * day, dispute: true)),
            Linked(workspace, client, StripeCharge("ch_2", 30m, T0 + 7 * day)),
        ];
        var random = new Random(20240301);

        await service.PublishAndSettleAsync(workspace, history.OrderBy(_ => random.Next()));
        var eventsAfterFirstPass = (await service.SalesUpdates.QuietAsync(e => e.WorkspaceId == workspace)).Count;
        // Replayed in another order: every message again, nothing may change.
        await service.PublishAndSettleAsync(workspace, history.OrderBy(_ => random.Next()).Select(m => m with { CorrelationId = Guid.NewGuid() }));

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{client}/sales?pageSize=50");
        var brl = Assert.Single(sales.Totals, t => t.Currency == "BRL");
        var usd = Assert.Single(sales.Totals, t => t.Currency == "USD");
        Assert.Equal(2, sales.Totals.Count);
        // BRL: three deals, one won (1000); HP1 refunded (nothing left), HP2 paid (97).
        Assert.Equal((3, 1, 2, 1097.00m, 548.50m), (brl.TotalDeals, brl.WonDeals, brl.TotalSales, brl.TotalRevenue, brl.AverageDealValue));
        Assert.Equal((T0 + 3 * day, T0 + 4 * day), (brl.FirstPurchaseAt, brl.LastPurchaseAt));
        // USD: ch_1 lost to the dispute, ch_2 paid.
        Assert.Equal((0, 0, 1, 30.00m, 30.00m), (usd.TotalDeals, usd.WonDeals, usd.TotalSales, usd.TotalRevenue, usd.AverageDealValue));

        SaleDto Sale(string id) => Assert.Single(sales.Items, s => s.ExternalId == id);
        Assert.Equal(("won", "lost", "open"), (Sale("D1").Status, Sale("D2").Status, Sale("D3").Status));
        Assert.Equal(("refunded", 0.00m, 197.00m), (Sale("HP1").Status, Sale("HP1").NetAmount, Sale("HP1").RefundedAmount));
        Assert.Equal(("paid", "COMPLETE"), (Sale("HP2").Status, Sale("HP2").SourceStatus));
        Assert.Equal(("chargeback", 0.00m, 50.00m), (Sale("ch_1").Status, Sale("ch_1").NetAmount, Sale("ch_1").DisputedAmount));
        Assert.Equal(("chargeback", "ch_1", false), (Sale("dp_1").Kind, Sale("dp_1").Adjusts, Sale("dp_1").CountsAsSale));
        Assert.Equal(8, sales.Total);

        // The last event per currency carries the final totals, and the replay published nothing.
        var events = await service.SalesUpdates.QuietAsync(e => e.WorkspaceId == workspace);
        Assert.Equal(eventsAfterFirstPass, events.Count);
        var lastBrl = events.Last(e => e.Currency == "BRL");
        Assert.Equal((client, 1097.00m, 2, 3, 1), (lastBrl.ClientId, lastBrl.TotalRevenue, lastBrl.TotalSales, lastBrl.TotalDeals, lastBrl.WonDeals));
        Assert.Equal(30.00m, events.Last(e => e.Currency == "USD").TotalRevenue);
        Assert.Equal(1, await service.ScalarAsync<long>(
            "select count(*) from customer_sales where client_id = @c and currency = 'USD'", ("c", client)));
    }

    [Fact]
    public async Task A_late_older_version_never_regresses_a_status_and_an_equal_version_keeps_the_one_held()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        var day = TimeSpan.FromDays(1);

        await service.PublishInOrderAsync(workspace,
            Linked(workspace, client, HotmartPurchase("HP9", "REFUNDED", 250m, T0 + 2 * day, T0)),
            Linked(workspace, client, HotmartPurchase("HP9", "APPROVED", 250m, T0, T0)),
            Linked(workspace, client, PloomesDeal("D9", "won", 800m, T0 + 3 * day)),
            Linked(workspace, client, PloomesDeal("D9", "open", 800m, T0 + day)));
        // Same updated-at, staged earlier (a lower raw record id): the version held stays.
        var earlier = Linked(workspace, client, PloomesDeal("D9", "lost", 800m, T0 + 3 * day));
        await service.PublishInOrderAsync(workspace, earlier with { RawRecordId = 1 });

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{client}/sales");
        Assert.Equal("refunded", Assert.Single(sales.Items, s => s.ExternalId == "HP9").Status);
        Assert.Equal("won", Assert.Single(sales.Items, s => s.ExternalId == "D9").Status);
        var brl = Assert.Single(sales.Totals);
        Assert.Equal((1, 1, 1, 800.00m), (brl.TotalDeals, brl.WonDeals, brl.TotalSales, brl.TotalRevenue));
    }

    [Fact]
    public async Task A_charge_re_read_later_with_the_same_updated_at_applies_its_refund_as_identity_does()
    {
        // Stripe does not move a charge's updated-at when it is refunded: the re-read differs only by its raw row,
        // and identity resolution orders versions by (updated-at, raw record id). Aggregation follows the same rule.
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        var paid = Linked(workspace, client, StripeCharge("ch_r", 100m, T0));
        var refunded = Linked(workspace, client, StripeCharge("ch_r", 100m, T0, status: "succeeded", refunded: 100m));
        Assert.True(refunded.RawRecordId > paid.RawRecordId);

        await service.PublishInOrderAsync(workspace, paid, refunded, paid);

        var sale = Assert.Single((await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{client}/sales")).Items);
        Assert.Equal(("refunded", 0.00m), (sale.Status, sale.NetAmount));

        // Arriving the other way round (the re-read first, the first read late) ends the same.
        var other = NewWorkspace();
        var otherClient = Guid.NewGuid();
        await service.PublishInOrderAsync(other, refunded with { WorkspaceId = other, ClientId = otherClient }, paid with { WorkspaceId = other, ClientId = otherClient });
        var otherSale = Assert.Single((await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{otherClient}/sales")).Items);
        Assert.Equal(("refunded", 0.00m), (otherSale.Status, otherSale.NetAmount));
    }

    [Fact]
    public async Task Refunds_and_disputes_adjust_their_charge_whichever_arrives_first_and_a_won_dispute_gives_the_money_back()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();

        await service.PublishInOrderAsync(workspace,
            // The refund arrives before its charge: it waits, and applies when the charge comes.
            Linked(workspace, client, StripeAdjustment("re_1", "ch_a", 20m, T0.AddDays(1), dispute: false)),
            Linked(workspace, client, StripeCharge("ch_a", 100m, T0)),
            // A dispute the merchant won takes nothing.
            Linked(workspace, client, StripeCharge("ch_b", 40m, T0, status: "disputed")),
            Linked(workspace, client, StripeAdjustment("dp_b", "ch_b", 40m, T0.AddDays(2), dispute: true, stripeStatus: "won")),
            // A failed refund takes nothing either.
            Linked(workspace, client, StripeCharge("ch_c", 10m, T0)),
            Linked(workspace, client, StripeAdjustment("re_c", "ch_c", 10m, T0.AddDays(1), dispute: false, stripeStatus: "failed")));

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{client}/sales");
        SaleDto Sale(string id) => Assert.Single(sales.Items, s => s.ExternalId == id);
        Assert.Equal(("partially_refunded", 20.00m, 80.00m, true), (Sale("ch_a").Status, Sale("ch_a").RefundedAmount, Sale("ch_a").NetAmount, Sale("ch_a").CountsAsSale));
        Assert.Equal(("paid", 40.00m), (Sale("ch_b").Status, Sale("ch_b").NetAmount));
        Assert.Equal(("paid", 10.00m), (Sale("ch_c").Status, Sale("ch_c").NetAmount));
        var usd = Assert.Single(sales.Totals);
        Assert.Equal((3, 130.00m), (usd.TotalSales, usd.TotalRevenue));
    }

    [Fact]
    public async Task A_Stripe_payment_intent_its_charge_and_its_invoice_count_as_one_sale()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();

        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, client, StripeInvoice("in_1", 49.90m, T0)),
            Linked(workspace, client, StripePaymentIntent("pi_1", 49.90m, T0)),
            Linked(workspace, client, StripeCharge("ch_1", 49.90m, T0, paymentIntent: "pi_1", invoice: "in_1")),
            // A failed first attempt on another intent does not hide that intent's later success.
            Linked(workspace, client, StripePaymentIntent("pi_2", 19.90m, T0.AddDays(1))),
            Linked(workspace, client, StripeCharge("ch_2", 19.90m, T0.AddDays(1), status: "failed", paymentIntent: "pi_2")),
        ]);

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{client}/sales");
        var usd = Assert.Single(sales.Totals);
        Assert.Equal((2, 69.80m), (usd.TotalSales, usd.TotalRevenue));
        Assert.Equal("ch_1", Assert.Single(sales.Items, s => s.ExternalId == "in_1").SupersededBy);
        Assert.Equal("ch_1", Assert.Single(sales.Items, s => s.ExternalId == "pi_1").SupersededBy);
        Assert.True(Assert.Single(sales.Items, s => s.ExternalId == "pi_2").CountsAsSale);
        Assert.Equal("cancelled", Assert.Single(sales.Items, s => s.ExternalId == "ch_2").Status);
    }

    [Fact]
    public async Task Currencies_are_never_summed_together()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();

        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, client, HotmartPurchase("HB1", "APPROVED", 100m, T0)),
            Linked(workspace, client, HotmartPurchase("HB2", "APPROVED", 300m, T0.AddDays(3))),
            Linked(workspace, client, HotmartPurchase("HU1", "APPROVED", 100m, T0.AddDays(1), currency: "USD")),
            Linked(workspace, client, HotmartPurchase("HE1", "APPROVED", 7m, T0.AddDays(2), currency: "EUR")),
        ]);

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{client}/sales");
        Assert.Equal(
            [("BRL", 2, 400.00m), ("EUR", 1, 7.00m), ("USD", 1, 100.00m)],
            sales.Totals.Select(t => (t.Currency, t.TotalSales, t.TotalRevenue)).ToList());
        var view = await service.GetJsonAsync<Customer360Dto>($"/api/customers/{client}/360");
        Assert.Equal(("BRL", 400.00m), (view.LtvCurrency, view.Ltv));
        Assert.Equal(new Dictionary<string, decimal> { ["BRL"] = 400m, ["EUR"] = 7m, ["USD"] = 100m }, view.LtvByCurrency);
        var year = Assert.Single((await service.GetJsonAsync<PageDto<SalesYearDto>>($"/api/reports/sales-per-year?workspaceId={workspace}")).Items);
        Assert.Equal((2024, 4, 1), (year.Year, year.Sales, year.Customers));
        Assert.Equal([("BRL", 400.00m), ("EUR", 7.00m), ("USD", 100.00m)], year.Revenue.Select(r => (r.Currency, r.Revenue)).ToList());
        var top = await service.GetJsonAsync<PageDto<TopCustomerDto>>($"/api/reports/top-customers?workspaceId={workspace}&currency=usd");
        Assert.Equal(("USD", 100.00m), (Assert.Single(top.Items).Currency, top.Items[0].TotalRevenue));
    }
}
