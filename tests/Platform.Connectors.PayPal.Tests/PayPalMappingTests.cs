using System.Text.Json;
using Platform.Connectors.PayPal.Mapping;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.Connectors.PayPal.Tests;

public class PayPalMappingTests
{
    /// <summary>PayPal's documented Transaction Search sample row (reporting_transactions_v1.json), dates as PayPal sends them.</summary>
    private const string DocumentedRow = """
        {
          "transaction_info": {
            "paypal_account_id": "6STWC2LSUYYYE",
            "transaction_id": "5TY05013RG002845M",
            "transaction_event_code": "T0006",
            "transaction_initiation_date": "2014-07-11T04:03:52+0000",
            "transaction_updated_date": "2014-07-11T04:03:52+0000",
            "transaction_amount": { "currency_code": "USD", "value": "465.00" },
            "fee_amount": { "currency_code": "USD", "value": "-13.79" },
            "insurance_amount": { "currency_code": "USD", "value": "15.00" },
            "transaction_status": "S",
            "transaction_subject": "Bill for your purchase",
            "transaction_note": "Check out the latest sales",
            "invoice_id": "Invoice-005",
            "custom_field": "Thank you for your business",
            "protection_eligibility": "01"
          },
          "payer_info": {
            "account_id": "6STWC2LSUYYYE",
            "email_address": "consumer@example.com",
            "address_status": "Y",
            "payer_status": "Y",
            "payer_name": { "given_name": "test", "surname": "consumer", "alternate_full_name": "test consumer" },
            "country_code": "US"
          },
          "cart_info": { "item_details": [ { "item_code": "ItemCode-1", "item_name": "Item1 - radio", "item_quantity": "1" } ] }
        }
        """;

    private static CanonicalRecord Row(string json)
    {
        using var document = JsonDocument.Parse(json);
        return PayPalMapping.Transaction(document.RootElement);
    }

    [Fact]
    public void The_documented_transaction_row_maps_with_its_payer_money_and_dates_without_a_colon_in_the_offset()
    {
        var record = Row(DocumentedRow);

        Assert.Equal(EntityType.Transaction, record.EntityType);
        Assert.Equal("5TY05013RG002845M", record.ExternalId);
        Assert.Equal(new DateTimeOffset(2014, 7, 11, 4, 3, 52, TimeSpan.Zero), record.SourceUpdatedAt);
        Assert.Equal((465.00m, "USD", "S"), (record.Money!.Amount, record.Money.Currency, record.Money.Status));
        Assert.Equal("-13.79", record.Attributes["fee_amount"]);
        Assert.Equal("T0006", record.Attributes["transaction_event_code"]);
        Assert.Contains(new Identifier(IdentifierKinds.PaypalPayerId, "6STWC2LSUYYYE"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "consumer@example.com"), record.Identifiers);
        Assert.Equal("test consumer", record.Person!.FullName);
    }

    [Fact]
    public void A_refund_points_at_its_payment_and_keeps_its_negative_amount_and_currency()
    {
        var refund = DocumentedRow
            .Replace("\"transaction_id\": \"5TY05013RG002845M\"", "\"transaction_id\": \"9RF01234AB567890C\", \"paypal_reference_id\": \"5TY05013RG002845M\", \"paypal_reference_id_type\": \"TXN\"", StringComparison.Ordinal)
            .Replace("T0006", "T1107", StringComparison.Ordinal)
            .Replace("\"value\": \"465.00\"", "\"value\": \"-100.00\"", StringComparison.Ordinal);

        var record = Row(refund);

        Assert.Equal(-100.00m, record.Money!.Amount);
        Assert.Equal("USD", record.Money.Currency);
        Assert.Equal("5TY05013RG002845M", record.Attributes["paypal_reference_id"]);
        Assert.Equal("TXN", record.Attributes["paypal_reference_id_type"]);
    }

    [Theory]
    [InlineData("12,34.5x")]
    [InlineData("1,050.00")]
    [InlineData("10,50")]
    [InlineData("")]
    public void A_row_whose_amount_cannot_be_read_is_kept_without_money_and_says_why(string amount)
    {
        var record = Row(DocumentedRow.Replace("\"value\": \"465.00\"", $"\"value\": \"{amount}\"", StringComparison.Ordinal));

        Assert.Null(record.Money);
        Assert.Contains("transaction_amount.value", record.Attributes["mapping_error"], StringComparison.Ordinal);
        Assert.Equal("5TY05013RG002845M", record.ExternalId);
    }

    [Theory]
    [InlineData("2014-07-11T04:03:52+0000", "2014-07-11T04:03:52Z")]
    [InlineData("2014-07-11T01:03:52-0300", "2014-07-11T04:03:52Z")]
    [InlineData("2013-06-25T21:41:28Z", "2013-06-25T21:41:28Z")]
    [InlineData("2024-01-31T00:00:00-03:00", "2024-01-31T03:00:00Z")]
    public void PayPal_dates_parse_with_or_without_a_colon_in_the_offset(string text, string utc)
    {
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), PayPalMapping.ParseDate(text));
    }

    [Fact]
    public void The_verify_webhook_signature_sample_parses_and_its_authorization_event_is_not_a_money_movement()
    {
        var path = Path.Combine(TestEnvironment.VendorSamples, "paypal", "verify-webhook-signature.request.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var evt = root.GetProperty("webhook_event");

        Assert.Equal("1JE4291016473214C", root.GetProperty("webhook_id").GetString());
        Assert.Equal("SHA256withRSA", root.GetProperty("auth_algo").GetString());
        Assert.Equal("PAYMENT.AUTHORIZATION.CREATED", evt.GetProperty("event_type").GetString());
        Assert.True(PayPalMapping.Money(evt.GetProperty("resource").GetProperty("amount"), "total", out var total, out _));
        Assert.Equal(7.47m, total);
        // An authorization holds money, it does not move it: nothing to stage.
        Assert.Null(PayPalMapping.Webhook(evt));
    }

    [Fact]
    public void A_capture_refunded_event_is_a_negative_transaction_pointing_at_the_capture()
    {
        const string json = """
            {"id":"WH-1","event_type":"PAYMENT.CAPTURE.REFUNDED","create_time":"2026-12-01T10:00:00Z","resource_type":"refund",
             "resource":{"id":"1JU08902781691411","amount":{"currency_code":"BRL","value":"30.00"},"status":"COMPLETED",
               "create_time":"2026-12-01T10:00:00Z","update_time":"2026-12-01T10:00:01Z",
               "links":[{"href":"https://api-m.paypal.com/v2/payments/refunds/1JU08902781691411","rel":"self","method":"GET"},
                        {"href":"https://api-m.paypal.com/v2/payments/captures/2GG279541U471931P","rel":"up","method":"GET"}]}}
            """;
        using var document = JsonDocument.Parse(json);

        var record = PayPalMapping.Webhook(document.RootElement)!;

        Assert.Equal("1JU08902781691411", record.ExternalId);
        Assert.Equal((-30.00m, "BRL"), (record.Money!.Amount, record.Money.Currency));
        Assert.Equal("2GG279541U471931P", record.Attributes["paypal_reference_id"]);
        Assert.Equal("T1107", record.Attributes["transaction_event_code"]);
    }
}
