using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Platform.Testing;

namespace Platform.Connectors.PayPal.Tests;

/// <summary>
/// connector-paypal on a real database and virtual host; PayPal itself is a mocked handler that issues tokens and
/// answers verify-webhook-signature SUCCESS only for the signature <see cref="GoodSignature"/> over a
/// <c>webhook_event</c> that is byte for byte the body the connector received.
/// </summary>
public sealed class PayPalWebhookFixture() : ConnectorHostFixture<Program>("paypal")
{
    public const string Workspace = "loja";
    public const string WebhookId = "8PT597110X687430L";
    public const string GoodSignature = "c2lnbmVkLWJ5LXBheXBhbA==";

    /// <summary>A workspace that verifies deliveries offline, with PayPal's certificate.</summary>
    public const string OfflineWorkspace = "loja-offline";

    /// <summary>Where the fake PayPal serves its signing certificate (PayPal's live certificate host).</summary>
    public const string CertUrl = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-good";

    /// <summary>The same key's certificate, expired yesterday.</summary>
    public const string ExpiredCertUrl = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-expired";

    /// <summary>The host the simulator's certificates come from (configured, as a deployment pointing at the simulator would).</summary>
    public const string SimulatorCertUrl = "http://paypal-simulator.test:5210/v1/notifications/certs/CERT-simulator";

    /// <summary>PayPal's signing key (its certificates are served by the fake PayPal).</summary>
    public RSA SigningKey { get; } = RSA.Create(2048);

    /// <summary>Certificate URLs the connector downloaded.</summary>
    public ConcurrentQueue<string> CertificatesServed { get; } = new();

    private string Certificate(bool expired)
    {
        var request = new CertificateRequest("CN=messageverificationcerts.paypal.com, O=PayPal Inc.", SigningKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var certificate = expired ? request.CreateSelfSigned(now.AddYears(-2), now.AddDays(-1)) : request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        return certificate.ExportCertificatePem();
    }

    /// <summary>PAYPAL-TRANSMISSION-SIG as PayPal computes it: RSA SHA-256 over id|time|webhookId|crc32(body).</summary>
    public string Sign(string transmissionId, string transmissionTime, string webhookId, string body) =>
        Convert.ToBase64String(SigningKey.SignData(Encoding.UTF8.GetBytes(
            $"{transmissionId}|{transmissionTime}|{webhookId}|{Crc32(Encoding.UTF8.GetBytes(body)).ToString(CultureInfo.InvariantCulture)}"),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

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

    private WebApplicationFactory<Program>? _host;

    /// <summary>Every raw body PayPal was asked about (the event as the connector forwarded it).</summary>
    public ConcurrentQueue<string> Verified { get; } = new();

    /// <summary>Bodies delivered, by transmission id, so the fake PayPal compares them with what it is asked to verify.</summary>
    public ConcurrentDictionary<string, string> Delivered { get; } = new();

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Connectors:PayPal:Http:BaseAddress"] = "https://api-m.paypal.test/",
        ["Connectors:PayPal:Http:RatePermits"] = "0",
        [$"Connectors:PayPal:Workspaces:{Workspace}:ClientId"] = "client",
        [$"Connectors:PayPal:Workspaces:{Workspace}:ClientSecret"] = "secret",
        [$"Connectors:PayPal:Workspaces:{Workspace}:WebhookId"] = WebhookId,
        [$"Connectors:PayPal:Workspaces:{OfflineWorkspace}:ClientId"] = "client",
        [$"Connectors:PayPal:Workspaces:{OfflineWorkspace}:ClientSecret"] = "secret",
        [$"Connectors:PayPal:Workspaces:{OfflineWorkspace}:WebhookId"] = WebhookId,
        [$"Connectors:PayPal:Workspaces:{OfflineWorkspace}:WebhookVerification"] = "offline",
        ["Connectors:PayPal:Webhooks:CertificateHosts"] = "paypal-simulator.test:5210",
    };

    /// <summary>The connector host with its PayPal calls answered by <see cref="FakePayPal"/>.</summary>
    public WebApplicationFactory<Program> Host => _host ??= Service.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        services.ConfigureAll<HttpClientFactoryOptions>(options =>
            options.HttpMessageHandlerBuilderActions.Add(handlers => handlers.PrimaryHandler = new FakePayPal(this)))));

    public override async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await base.DisposeAsync();
        SigningKey.Dispose();
    }

    private sealed class FakePayPal(PayPalWebhookFixture fixture) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.StartsWith("/v1/notifications/certs/", StringComparison.Ordinal))
            {
                fixture.CertificatesServed.Enqueue(request.RequestUri.ToString());
                return new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent(fixture.Certificate(expired: path.EndsWith("-expired", StringComparison.Ordinal)), Encoding.UTF8, "application/x-pem-file"),
                };
            }
            if (path == "/v1/oauth2/token")
            {
                return Json(HttpStatusCode.OK, """{"access_token":"A21AA-test","token_type":"Bearer","expires_in":32400}""");
            }
            if (path == "/v1/notifications/verify-webhook-signature" && request.Headers.Authorization?.Parameter == "A21AA-test")
            {
                var text = await request.Content!.ReadAsStringAsync(cancellationToken);
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                var raw = root.GetProperty("webhook_event").GetRawText();
                fixture.Verified.Enqueue(raw);
                var transmission = root.GetProperty("transmission_id").GetString()!;
                var ok = root.GetProperty("transmission_sig").GetString() == GoodSignature
                    && root.GetProperty("webhook_id").GetString() == WebhookId
                    && fixture.Delivered.TryGetValue(transmission, out var delivered) && delivered == raw;
                return Json(HttpStatusCode.OK, $$"""{"verification_status":"{{(ok ? "SUCCESS" : "FAILURE")}}"}""");
            }
            return Json(HttpStatusCode.Unauthorized, """{"error":"invalid_token","error_description":"Token signature verification failed"}""");
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
