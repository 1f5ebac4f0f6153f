using System.Text.Json;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.Connectors.Stripe.Tests;

public class StripeMappingTests
{
    private static JsonElement Sample(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.VendorSamples, "stripe", name + ".json"))).RootElement;

    [Theory]
    [InlineData("customer", EntityType.Contact)]
    [InlineData("charge", EntityType.Charge)]
    [InlineData("payment_intent", EntityType.Charge)]
    [InlineData("invoice", EntityType.Invoice)]
    [InlineData("subscription", EntityType.Subscription)]
    [InlineData("refund", EntityType.Transaction)]
    [InlineData("dispute", EntityType.Transaction)]
    [InlineData("checkout_session", EntityType.Purchase)]
    public void Every_stripe_sample_object_maps_to_its_entity_type(string sample, EntityType expected)
    {
        var obj = Sample(sample);
        var record = StripeMapping.Map(obj);
        Assert.NotNull(record);
        Assert.Equal(expected, record.EntityType);
        Assert.Equal(obj.GetProperty("id").GetString(), record.ExternalId);
        Assert.Equal("stripe", record.Source);
    }

    [Theory]
    [InlineData("event")]
    [InlineData("balance_transaction")]
    public void Objects_the_platform_does_not_use_map_to_nothing(string sample)
    {
        var obj = Sample(sample);
        var inner = obj.TryGetProperty("data", out var data) ? data.GetProperty("object") : obj;
        Assert.Null(StripeMapping.Map(inner));
    }

    [Fact]
    public void A_customer_carries_its_stripe_id_as_an_identifier()
    {
        var record = StripeMapping.Map(Sample("customer"))!;
        Assert.Contains(new Identifier(IdentifierKinds.StripeCustomerId, "cus_QXg1o8vcGmoR32"), record.Identifiers);
        // The fixture's email and phone are null: they must not become identifiers.
        Assert.DoesNotContain(record.Identifiers, i => i.Kind == IdentifierKinds.Email);
    }

    [Fact]
    public void A_charge_amount_is_converted_from_cents_and_keeps_its_currency()
    {
        var record = StripeMapping.Map(Sample("charge"))!;
        Assert.Equal(1.00m, record.Money!.Amount);
        Assert.Equal("USD", record.Money.Currency);
        Assert.Equal("succeeded", record.Money.Status);
        Assert.Equal("Jenny Rosen", record.Person!.FullName);
    }

    [Theory]
    [InlineData(1999, "brl", 19.99)]
    [InlineData(5000, "jpy", 5000)]
    [InlineData(5000, "CLP", 5000)]
    [InlineData(12345, "kwd", 12.345)]
    public void Minor_units_follow_the_currency(long minor, string currency, decimal expected) =>
        Assert.Equal(expected, StripeMapping.FromMinorUnits(minor, currency));

    [Fact]
    public void A_dispute_points_at_its_charge_and_reads_as_a_chargeback()
    {
        var record = StripeMapping.Map(Sample("dispute"))!;
        Assert.Equal("ch_1PgafuB7WZ01zgkWXYmPNZs8", record.Attributes["charge_id"]);
        Assert.Equal("chargeback", record.Money!.Status);
        Assert.Equal(10.00m, record.Money.Amount);
    }

    [Fact]
    public void A_dispute_names_its_cardholder_by_the_evidence_email_and_name()
    {
        var dispute = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.VendorSamples, "stripe", "dispute.json")))!;
        dispute["evidence"]!["customer_email_address"] = "maria@example.com";
        dispute["evidence"]!["customer_name"] = "Maria Souza";

        var record = StripeMapping.Map(JsonDocument.Parse(dispute.ToJsonString()).RootElement)!;

        Assert.Contains(new Identifier(IdentifierKinds.Email, "maria@example.com"), record.Identifiers);
        Assert.Equal("Souza", record.Person!.LastName);
        Assert.Null(StripeMapping.Map(Sample("dispute"))!.Person); // the sample's evidence is empty
    }

    [Fact]
    public void A_subscription_is_priced_from_its_items()
    {
        var record = StripeMapping.Map(Sample("subscription"))!;
        Assert.Equal(20.00m, record.Money!.Amount);
        Assert.Equal("active", record.Money.Status);
        Assert.Contains(new Identifier(IdentifierKinds.StripeCustomerId, "cus_QXg1o8vcGmoR32"), record.Identifiers);
    }

    [Fact]
    public void A_checkout_session_without_an_amount_still_maps_its_buyer()
    {
        var record = StripeMapping.Map(Sample("checkout_session"))!;
        Assert.Null(record.Money);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "example@example.com"), record.Identifiers);
    }
}
