using System.Net;
using System.Text;
using Platform.Contracts.Records;

namespace Platform.Connectors.PayPal.Tests;

public class PayPalWebhookIntakeTests(PayPalWebhookFixture fixture) : IClassFixture<PayPalWebhookFixture>
{
    private const string Url = $"/webhooks/paypal/{PayPalWebhookFixture.Workspace}";

    /// <summary>A capture refund as PayPal sends it: spacing and key order of its own, which verification must keep.</summary>
    private static string Refund(string eventId, string refundId) => $$"""
        {"id":"{{eventId}}","event_version":"1.0","create_time":"2026-12-01T10:00:00Z","resource_type":"refund",
          "event_type":"PAYMENT.CAPTURE.REFUNDED","summary":"A BRL 30.0 BRL capture payment was refunded",
          "resource":{ "seller_payable_breakdown":{"gross_amount":{"currency_code":"BRL","value":"30.00"} },
            "amount":{"value":"30.00","currency_code":"BRL"},"id":"{{refundId}}","status":"COMPLETED",
            "create_time":"2026-12-01T07:00:00-03:00","update_time":"2026-12-01T07:00:01-03:00",
            "links":[{"href":"https://api-m.paypal.com/v2/payments/refunds/{{refundId}}","rel":"self","method":"GET"},
                     {"href":"https://api-m.paypal.com/v2/payments/captures/2GG279541U471931P","rel":"up","method":"GET"}]},
          "links":[]}
        """;

    private HttpRequestMessage Delivery(string body, string signature)
    {
        var transmission = Guid.NewGuid().ToString();
        fixture.Delivered[transmission] = body;
        return new HttpRequestMessage(HttpMethod.Post, Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers =
            {
                { "PAYPAL-TRANSMISSION-ID", transmission },
                { "PAYPAL-TRANSMISSION-TIME", "2026-12-01T10:00:02Z" },
                { "PAYPAL-TRANSMISSION-SIG", signature },
                { "PAYPAL-CERT-URL", "https://api-m.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77" },
                { "PAYPAL-AUTH-ALGO", "SHA256withRSA" },
            },
        };
    }

    private Task<long> RowsFor(string id) => fixture.CountAsync("select count(*) from raw_records where external_id = @id", ("id", id));

    [Fact]
    public async Task A_delivery_PayPal_verifies_is_staged_as_a_refund_pointing_at_its_capture_and_the_event_went_to_PayPal_untouched()
    {
        var refundId = $"R{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        var body = Refund($"WH-{Guid.NewGuid():N}", refundId);
        using var client = fixture.Host.CreateClient();

        using var response = await client.SendAsync(Delivery(body, PayPalWebhookFixture.GoodSignature));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(body, fixture.Verified);
        Assert.Equal(1, await RowsFor(refundId));
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == refundId);
        Assert.Equal(EntityType.Transaction, staged.Record.EntityType);
        Assert.Equal((-30.00m, "BRL"), (staged.Record.Money!.Amount, staged.Record.Money.Currency));
        Assert.Equal("2GG279541U471931P", staged.Record.Attributes["paypal_reference_id"]);
    }

    [Fact]
    public async Task A_delivery_PayPal_does_not_verify_is_refused_like_an_unknown_workspace_and_not_staged()
    {
        var refundId = $"F{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        var body = Refund($"WH-{Guid.NewGuid():N}", refundId);
        using var client = fixture.Host.CreateClient();

        using var response = await client.SendAsync(Delivery(body, "Zm9yZ2Vk"));

        // PayPal was asked (and said FAILURE); the answer is the SDK's one refusal, PayPal's verdict only logged.
        Assert.Contains(body, fixture.Verified);
        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "paypal");
        Assert.Equal(0, await RowsFor(refundId));
    }

    [Fact]
    public async Task A_delivery_with_a_body_changed_after_PayPal_signed_it_is_refused_and_not_staged()
    {
        var refundId = $"C{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        var body = Refund($"WH-{Guid.NewGuid():N}", refundId);
        using var client = fixture.Host.CreateClient();
        using var request = Delivery(body, PayPalWebhookFixture.GoodSignature);
        request.Content = new StringContent(body.Replace("30.00", "3000.00", StringComparison.Ordinal), Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(request);

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "paypal");
        Assert.Equal(0, await RowsFor(refundId));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_staged_once()
    {
        var refundId = $"D{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        var body = Refund($"WH-{Guid.NewGuid():N}", refundId);
        using var client = fixture.Host.CreateClient();

        using var first = await client.SendAsync(Delivery(body, PayPalWebhookFixture.GoodSignature));
        using var second = await client.SendAsync(Delivery(body, PayPalWebhookFixture.GoodSignature));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("\"duplicate\":true", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await RowsFor(refundId));
    }

    [Fact]
    public async Task A_delivery_without_PayPals_signature_headers_is_refused()
    {
        var refundId = $"U{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        using var client = fixture.Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url)
        {
            Content = new StringContent(Refund($"WH-{Guid.NewGuid():N}", refundId), Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await RowsFor(refundId));
    }
}
