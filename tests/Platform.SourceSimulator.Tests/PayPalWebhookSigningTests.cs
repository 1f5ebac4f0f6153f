using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

/// <summary>PayPal deliveries are signed with a key whose certificate the simulator serves, so they verify offline as on PayPal.</summary>
public sealed class PayPalWebhookSigningTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;
    private readonly WebhookReceiver _receiver = fixture.Factory.Receiver;

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    [Fact]
    public async Task A_paypal_delivery_verifies_with_the_certificate_at_its_cert_url_and_not_for_another_webhook_id()
    {
        var credential = await _api.CreateAccountAsync("paypal", $"client-{Guid.NewGuid():N}:secret-{Guid.NewGuid():N}", size: 20);
        var target = WebhookReceiver.NewTarget("paypal");
        const string WebhookId = "8PT597110X687430L";

        await _api.PostAsync("/_simulator/webhooks", new { source = "paypal", credential, target, secret = WebhookId, kind = "PAYMENT.CAPTURE.COMPLETED", count = 1 });

        var delivery = Assert.Single(_receiver.ReceivedAt(target));
        Assert.Equal("SHA256withRSA", delivery.Headers["PAYPAL-AUTH-ALGO"]);
        var certUrl = new Uri(delivery.Headers["PAYPAL-CERT-URL"]);
        Assert.Equal("api.paypal.com", certUrl.Host);
        var pem = await _api.Http.GetStringAsync(certUrl.PathAndQuery);
        using var certificate = X509Certificate2.CreateFromPem(pem);
        Assert.InRange(DateTimeOffset.UtcNow, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());
        using var rsa = certificate.GetRSAPublicKey()!;
        var signature = Convert.FromBase64String(delivery.Headers["PAYPAL-TRANSMISSION-SIG"]);
        string Message(string webhookId) =>
            $"{delivery.Headers["PAYPAL-TRANSMISSION-ID"]}|{delivery.Headers["PAYPAL-TRANSMISSION-TIME"]}|{webhookId}|" +
            Crc32(Encoding.UTF8.GetBytes(delivery.Body)).ToString(CultureInfo.InvariantCulture);
        Assert.True(rsa.VerifyData(Encoding.UTF8.GetBytes(Message(WebhookId)), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(rsa.VerifyData(Encoding.UTF8.GetBytes(Message("1JE4291016473214C")), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal("PAYMENT.CAPTURE.COMPLETED", (string)JsonNode.Parse(delivery.Body)!["event_type"]!);
    }

    [Fact]
    public async Task The_cert_url_can_name_the_simulator_itself_and_online_verification_still_accepts_it()
    {
        const string OwnUrl = "http://127.0.0.1:5210/v1/notifications/certs/CERT-simulator";
        using var factory = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Simulator:PayPalCertUrl", OwnUrl));
        var api = new SimulatorApi(factory.CreateClient());
        var credential = await api.CreateAccountAsync("paypal", $"client-{Guid.NewGuid():N}:secret-{Guid.NewGuid():N}", size: 20);
        var target = WebhookReceiver.NewTarget("paypal");

        await api.PostAsync("/_simulator/webhooks", new { source = "paypal", credential, target, secret = "WH-ID-1", kind = "PAYMENT.CAPTURE.COMPLETED", count = 1 });

        var delivery = Assert.Single(fixture.Factory.Receiver.ReceivedAt(target));
        Assert.Equal(OwnUrl, delivery.Headers["PAYPAL-CERT-URL"]);
        var (id, secret) = (credential[..credential.IndexOf(':', StringComparison.Ordinal)], credential[(credential.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        tokenRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
        using var token = await api.Http.SendAsync(tokenRequest);
        var access = (string)(await token.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!;
        var verify = $$"""
            {"auth_algo":"SHA256withRSA","cert_url":"{{OwnUrl}}","transmission_id":"{{delivery.Headers["PAYPAL-TRANSMISSION-ID"]}}",
             "transmission_sig":"{{delivery.Headers["PAYPAL-TRANSMISSION-SIG"]}}","transmission_time":"{{delivery.Headers["PAYPAL-TRANSMISSION-TIME"]}}",
             "webhook_id":"WH-ID-1","webhook_event":{{delivery.Body}}}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/notifications/verify-webhook-signature")
        {
            Content = new StringContent(verify, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);
        using var answer = await api.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("SUCCESS", (string)(await answer.Content.ReadFromJsonAsync<JsonObject>())!["verification_status"]!);
    }
}
