using Platform.Aggregation.Domain;
using Platform.Contracts.Records;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

/// <summary>How source records become sales, without infrastructure.</summary>
public sealed class ClassificationTests
{
    [Theory]
    // Stripe
    [InlineData("stripe", "succeeded", "paid")]
    [InlineData("stripe", "requires_payment_method", "pending")]
    [InlineData("stripe", "partially_refunded", "partially_refunded")]
    [InlineData("stripe", "refunded", "refunded")]
    [InlineData("stripe", "disputed", "chargeback")]
    [InlineData("stripe", "failed", "cancelled")]
    [InlineData("stripe", "void", "cancelled")]
    [InlineData("stripe", "open", "pending")]
    // Hotmart (the sales API's enum; postback spellings are folded in by the connector, and still understood)
    [InlineData("hotmart", "APPROVED", "paid")]
    [InlineData("hotmart", "COMPLETE", "paid")]
    [InlineData("hotmart", "COMPLETED", "paid")]
    [InlineData("hotmart", "REFUNDED", "refunded")]
    [InlineData("hotmart", "PARTIALLY_REFUNDED", "partially_refunded")]
    [InlineData("hotmart", "CHARGEBACK", "chargeback")]
    [InlineData("hotmart", "PROTESTED", "chargeback")]
    [InlineData("hotmart", "DISPUTE", "chargeback")]
    [InlineData("hotmart", "CANCELLED", "cancelled")]
    [InlineData("hotmart", "EXPIRED", "cancelled")]
    [InlineData("hotmart", "BLOCKED", "cancelled")]
    [InlineData("hotmart", "NO_FUNDS", "cancelled")]
    [InlineData("hotmart", "WAITING_PAYMENT", "pending")]
    [InlineData("hotmart", "PRINTED_BILLET", "pending")]
    [InlineData("hotmart", "UNDER_ANALISYS", "pending")]
    [InlineData("hotmart", "abandoned", "abandoned")]
    // PayPal transaction_status letters
    [InlineData("paypal", "S", "paid")]
    [InlineData("paypal", "P", "pending")]
    [InlineData("paypal", "D", "cancelled")]
    [InlineData("paypal", "V", "refunded")]
    // Unknown: never revenue
    [InlineData("csv", "whatever", "pending")]
    public void A_payment_status_is_normalised(string source, string status, string expected) =>
        Assert.Equal(expected, StatusNormaliser.Payment(source, status));

    [Theory]
    [InlineData("open", "open")]
    [InlineData("won", "won")]
    [InlineData("lost", "lost")]
    [InlineData("abandoned", "lost")]
    [InlineData("unknown", "open")]
    public void A_deal_status_is_open_won_or_lost(string status, string expected) => Assert.Equal(expected, StatusNormaliser.Deal(status));

    [Fact]
    public void A_Stripe_refund_and_dispute_point_at_their_charge_and_a_won_dispute_takes_nothing()
    {
        var refund = SaleClassifier.Classify(StripeAdjustment("re_1", "ch_1", 12.5m, T0, dispute: false))!;
        Assert.Equal((SaleKinds.Refund, "ch_1", 12.5m), (refund.Kind, refund.ParentRef, refund.AdjustmentAmount));
        var lost = SaleClassifier.Classify(StripeAdjustment("dp_1", "ch_1", 30m, T0, dispute: true, stripeStatus: "lost"))!;
        Assert.Equal((SaleKinds.Chargeback, 30m), (lost.Kind, lost.AdjustmentAmount));
        var won = SaleClassifier.Classify(StripeAdjustment("dp_2", "ch_1", 30m, T0, dispute: true, stripeStatus: "won"))!;
        Assert.Equal(0m, won.AdjustmentAmount);
    }

    [Fact]
    public void A_PayPal_refund_is_a_negative_transaction_pointing_at_the_payment()
    {
        var record = new CanonicalRecord
        {
            Source = "paypal",
            EntityType = EntityType.Transaction,
            ExternalId = "9XR23",
            SourceUpdatedAt = T0,
            Money = new MoneyFields { Amount = -25m, Currency = "USD", Status = "S", OccurredAt = T0 },
            Attributes = new Dictionary<string, string?>
            {
                ["transaction_event_code"] = "T1107", ["paypal_reference_id"] = "5TY05", ["paypal_reference_id_type"] = "TXN",
            },
        };
        var sale = SaleClassifier.Classify(record)!;
        Assert.Equal((SaleKinds.Refund, "5TY05", 25m, 25m), (sale.Kind, sale.ParentRef, sale.Amount, sale.AdjustmentAmount));
    }

    [Fact]
    public void Subscriptions_contacts_and_enrichments_are_not_sales_and_an_abandoned_cart_is_a_sale_without_money()
    {
        Assert.Null(SaleClassifier.Classify(HotmartSubscription("S", "ACTIVE", "Anual", T0)));
        Assert.Null(SaleClassifier.Classify(PloomesContact("C", T0)));
        var cart = SaleClassifier.Classify(HotmartCart("e1", T0))!;
        Assert.Equal((SaleKinds.Purchase, SaleStatuses.Abandoned, null, "Curso Online"), (cart.Kind, cart.BaseStatus, cart.Amount, cart.Product));
    }

    [Fact]
    public void SGT_extras_are_typed_and_only_the_listed_fields_are_kept()
    {
        var json = SgtExtras.Read(new Dictionary<string, string?>
        {
            ["tokeniza_valor_investido"] = "1.234,56", ["mautic_score"] = "42", ["mautic_tags"] = "[\"a\"]", ["cliente_status"] = "ativo",
            ["other"] = "x",
        });
        Assert.Equal("""{"tokeniza_valor_investido":1234.56,"mautic_score":42,"mautic_tags":["a"],"cliente_status":"ativo"}""", json);
        Assert.Null(SgtExtras.Read(new Dictionary<string, string?> { ["other"] = "x" }));
    }
}
