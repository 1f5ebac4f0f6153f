using System.Net;
using System.Text;

namespace Platform.Connectors.PayPal.Tests;

/// <summary>
/// A workspace set to <c>WebhookVerification: offline</c> checks PayPal's signature itself with PayPal's certificate:
/// no verify-webhook-signature call per delivery, and everything that does not add up is refused and not staged.
/// </summary>
public sealed class PayPalOfflineVerificationTests(PayPalWebhookFixture fixture) : IClassFixture<PayPalWebhookFixture>
{
    private const string Url = $"/webhooks/paypal/{PayPalWebhookFixture.OfflineWorkspace}";
    private const string Time = "2026-12-01T10:00:02Z";

    private static string Capture(string eventId, string captureId) => $$"""
        {"id":"{{eventId}}","event_version":"1.0","create_time":"2026-12-01T10:00:00Z","resource_type":"capture",
          "event_type":"PAYMENT.CAPTURE.COMPLETED","summary":"Payment completed for BRL 49.9 BRL",
          "resource":{"id":"{{captureId}}","status":"COMPLETED","amount":{"currency_code":"BRL","value":"49.90"},
            "create_time":"2026-12-01T07:00:00-03:00","update_time":"2026-12-01T07:00:01-03:00",
            "payer":{"email_address":"ana.souza@exemplo.com.br","payer_id":"QYR5Z8XDVJNXQ"},"links":[]},
          "links":[]}
        """;

    private static HttpRequestMessage Delivery(string body, string transmission, string signature, string certUrl = PayPalWebhookFixture.CertUrl) =>
        new(HttpMethod.Post, Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers =
            {
                { "PAYPAL-TRANSMISSION-ID", transmission },
                { "PAYPAL-TRANSMISSION-TIME", Time },
                { "PAYPAL-TRANSMISSION-SIG", signature },
                { "PAYPAL-CERT-URL", certUrl },
                { "PAYPAL-AUTH-ALGO", "SHA256withRSA" },
            },
        };

    private static (string Body, string CaptureId, string Transmission) NewEvent()
    {
        var captureId = $"C{Guid.NewGuid():N}"[..17].ToUpperInvariant();
        return (Capture($"WH-{Guid.NewGuid():N}", captureId), captureId, Guid.NewGuid().ToString());
    }

    private Task<long> RowsFor(string id) => fixture.CountAsync("select count(*) from raw_records where external_id = @id", ("id", id));

    [Fact]
    public async Task A_delivery_signed_by_PayPal_is_accepted_offline_without_asking_PayPal()
    {
        var (body, captureId, transmission) = NewEvent();
        using var client = fixture.Host.CreateClient();

        using var response = await client.SendAsync(Delivery(body, transmission,
            fixture.Sign(transmission, Time, PayPalWebhookFixture.WebhookId, body)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(captureId));
        Assert.DoesNotContain(body, fixture.Verified);
        Assert.Contains(PayPalWebhookFixture.CertUrl, fixture.CertificatesServed);
    }

    [Fact]
    public async Task The_certificate_is_downloaded_once_per_url_and_a_configured_simulator_host_is_allowed()
    {
        using var client = fixture.Host.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var (body, captureId, transmission) = NewEvent();
            using var response = await client.SendAsync(Delivery(body, transmission,
                fixture.Sign(transmission, Time, PayPalWebhookFixture.WebhookId, body), PayPalWebhookFixture.SimulatorCertUrl));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, await RowsFor(captureId));
        }

        Assert.Single(fixture.CertificatesServed, PayPalWebhookFixture.SimulatorCertUrl);
    }

    [Fact]
    public async Task A_body_changed_after_PayPal_signed_it_is_refused_and_not_staged()
    {
        var (body, captureId, transmission) = NewEvent();
        var signature = fixture.Sign(transmission, Time, PayPalWebhookFixture.WebhookId, body);
        using var client = fixture.Host.CreateClient();

        using var response = await client.SendAsync(Delivery(body.Replace("49.90", "4990.00", StringComparison.Ordinal), transmission, signature));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "paypal");
        Assert.Equal(0, await RowsFor(captureId));
    }

    [Fact]
    public async Task A_delivery_signed_for_another_webhook_is_refused_and_not_staged()
    {
        var (body, captureId, transmission) = NewEvent();
        using var client = fixture.Host.CreateClient();

        using var response = await client.SendAsync(Delivery(body, transmission, fixture.Sign(transmission, Time, "1JE4291016473214C", body)));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "paypal");
        Assert.Equal(0, await RowsFor(captureId));
    }

    [Fact]
    public async Task A_certificate_url_on_a_foreign_host_is_never_fetched_and_the_delivery_is_refused()
    {
        var (body, captureId, transmission) = NewEvent();
        const string Foreign = "https://api.paypal.com.certs.example.net/v1/notifications/certs/CERT-forged";
        using var client = fixture.Host.CreateClient();

        using var response = await client.SendAsync(Delivery(body, transmission,
            fixture.Sign(transmission, Time, PayPalWebhookFixture.WebhookId, body), Foreign));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "paypal");
        Assert.Equal(0, await RowsFor(captureId));
        Assert.DoesNotContain(Foreign, fixture.CertificatesServed);
    }

    [Fact]
    public async Task A_delivery_verified_only_by_an_expired_certificate_is_refused_and_not_staged()
    {
        var (body, captureId, transmission) = NewEvent();
        using var client = fixture.Host.CreateClient();

        using var response = await client.SendAsync(Delivery(body, transmission,
            fixture.Sign(transmission, Time, PayPalWebhookFixture.WebhookId, body), PayPalWebhookFixture.ExpiredCertUrl));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "paypal");
        Assert.Equal(0, await RowsFor(captureId));
        Assert.Contains(PayPalWebhookFixture.ExpiredCertUrl, fixture.CertificatesServed);
    }
}
