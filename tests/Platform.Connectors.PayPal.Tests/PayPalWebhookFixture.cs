using System.Collections.Concurrent;
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
    }

    private sealed class FakePayPal(PayPalWebhookFixture fixture) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
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
