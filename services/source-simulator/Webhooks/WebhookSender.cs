using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Domain.Hotmart;
using Platform.SourceSimulator.Domain.Ploomes;
using Platform.SourceSimulator.Domain.Stripe;
using Platform.SourceSimulator.Domain;
using Platform.SourceSimulator.GoHighLevel;
using Platform.SourceSimulator.PayPal;

namespace Platform.SourceSimulator.Webhooks;

/// <summary>One delivery and what the target answered (status null when it could not be reached).</summary>
internal sealed record WebhookDelivery(
    string? EventId,
    string Kind,
    int? Status,
    string? ResponseBody,
    string? Error,
    double ElapsedMs,
    IReadOnlyDictionary<string, string> Headers,
    string Body);

/// <summary>
/// Sends vendor webhooks the way each vendor does: Stripe signs <c>t.body</c> with HMAC-SHA256 under the endpoint
/// secret (<c>Stripe-Signature: t=…,v1=…</c>); Hotmart sends its token in <c>X-HOTMART-HOTTOK</c>; Ploomes puts the
/// webhook's ValidationKey in a small body (<c>ResourceId, Entity, Action, ValidationKey, UserId</c>). Each delivery
/// first makes the change it reports, so the API shows the same state a connector re-fetches.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory httpClients, IOptions<SimulatorOptions> options, TimeProvider time,
    GhlWebhookKey ghlKey, PayPalWebhookKey payPalKey)
{
    public const string HttpClientName = "webhooks";

    /// <summary>Checks the kind before anything changes; null when it is one the source sends.</summary>
    public static string? Validate(Vendor source, string kind) => source switch
    {
        Vendor.Stripe when !StripeData.EmittableTypes.Contains(kind) =>
            $"Stripe event type '{kind}' is not one the simulator sends; use one of: {string.Join(", ", StripeData.EmittableTypes)}.",
        Vendor.Hotmart when !HotmartData.EmittableEvents.Contains(kind) =>
            $"Hotmart event '{kind}' is not one the simulator sends; use one of: {string.Join(", ", HotmartData.EmittableEvents)}.",
        Vendor.GoHighLevel when !GhlData.EmittableTypes.Contains(kind) =>
            $"GoHighLevel webhook type '{kind}' is not one the simulator sends; use one of: {string.Join(", ", GhlData.EmittableTypes)}.",
        Vendor.PayPal when !PayPalData.EmittableTypes.Contains(kind) =>
            $"PayPal event type '{kind}' is not one the simulator sends; use one of: {string.Join(", ", PayPalData.EmittableTypes)}.",
        Vendor.Sgt => "SGT sends no webhooks: its changes are read by the connector's scheduled syncs.",
        Vendor.Ploomes when PloomesKind(kind) is null =>
            $"Ploomes webhook '{kind}' is not one the simulator sends; use Entity.Action, one of: {string.Join(", ", PloomesData.EmittableEvents)}.",
        _ => null,
    };

    public async Task<IReadOnlyList<WebhookDelivery>> SendAsync(Account account, Uri target, string secret, string kind, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var deliveries = new List<WebhookDelivery>(count);
        using var http = httpClients.CreateClient(HttpClientName);
        http.Timeout = options.Value.WebhookTimeout;
        for (var i = 0; i < count; i++)
        {
            var (eventId, body, headers) = Build(account, secret, kind);
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in headers)
            {
                if (name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.UserAgent.Clear();
                    request.Headers.TryAddWithoutValidation(name, value);
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                deliveries.Add(new WebhookDelivery(eventId, kind, (int)response.StatusCode, text.Length > 4096 ? text[..4096] : text, null,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, headers, body));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                deliveries.Add(new WebhookDelivery(eventId, kind, null, null, $"{target} could not be reached: {ex.Message}",
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, headers, body));
            }
        }
        return deliveries;
    }

    private (string? EventId, string Body, Dictionary<string, string> Headers) Build(Account account, string secret, string kind)
    {
        var now = time.GetUtcNow();
        switch (account.Source)
        {
            case Vendor.Stripe:
            {
                var body = account.Stripe.Emit(kind, now);
                var eventId = JsonNode.Parse(body)!["id"]!.GetValue<string>();
                return (eventId, body, new Dictionary<string, string>
                {
                    ["Stripe-Signature"] = StripeSignature(body, secret, now),
                    ["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                });
            }
            case Vendor.Hotmart:
            {
                var body = account.Hotmart.Emit(kind, now);
                var eventId = JsonNode.Parse(body)!["id"]!.GetValue<string>();
                return (eventId, body, new Dictionary<string, string>
                {
                    ["X-HOTMART-HOTTOK"] = secret,
                    ["User-Agent"] = "Jodd HTTP",
                });
            }
            case Vendor.GoHighLevel:
            {
                // HighLevel signs the raw body with its RSA key; the secret of other vendors plays no part.
                var payload = account.GoHighLevel.Emit(kind, now);
                var webhookId = Guid.NewGuid().ToString();
                payload["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                payload["webhookId"] = webhookId;
                var body = payload.Text();
                return (webhookId, body, new Dictionary<string, string>
                {
                    ["x-wh-signature"] = ghlKey.Sign(body),
                    ["User-Agent"] = "axios/1.7.4",
                });
            }
            case Vendor.PayPal:
            {
                // The secret is the webhook_id the delivery is signed for (the receiver's own webhook).
                var body = account.PayPal.Emit(kind, now).Text();
                var eventId = JsonNode.Parse(body)!["id"]!.GetValue<string>();
                var transmissionId = Guid.NewGuid().ToString();
                var transmissionTime = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                return (eventId, body, new Dictionary<string, string>
                {
                    ["PAYPAL-TRANSMISSION-ID"] = transmissionId,
                    ["PAYPAL-TRANSMISSION-TIME"] = transmissionTime,
                    ["PAYPAL-TRANSMISSION-SIG"] = payPalKey.Sign(PayPalWebhookKey.Message(transmissionId, transmissionTime, secret, body)),
                    ["PAYPAL-CERT-URL"] = payPalKey.CertUrl,
                    ["PAYPAL-AUTH-ALGO"] = "SHA256withRSA",
                    ["User-Agent"] = "PayPal/AUHD-214.0-58822936",
                });
            }
            default:
            {
                var (entity, action) = PloomesKind(kind)!.Value;
                var (entityName, actionName, resourceId) = account.Ploomes.Emit(entity, action, now);
                var body = new JsonObject
                {
                    ["ResourceId"] = resourceId,
                    ["Entity"] = entityName,
                    ["Action"] = actionName,
                    ["ValidationKey"] = secret,
                    ["UserId"] = 10018838,
                }.Text();
                return (null, body, []);
            }
        }
    }

    /// <summary>Stripe's scheme: <c>t=&lt;unix&gt;,v1=hex(HMAC-SHA256(secret, "t.body"))</c>.</summary>
    public static string StripeSignature(string body, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>"Deals.Update", "deal.update" → ("Deals", "Update").</summary>
    private static (string Entity, string Action)? PloomesKind(string kind)
    {
        var parts = kind.Split('.', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            return null;
        }
        var entity = parts[0].ToUpperInvariant() switch
        {
            "DEAL" or "DEALS" => "Deals",
            "CONTACT" or "CONTACTS" => "Contacts",
            _ => null,
        };
        var action = parts[1].Length == 0 ? "" : char.ToUpperInvariant(parts[1][0]) + parts[1][1..].ToLowerInvariant();
        return entity is not null && PloomesData.EmittableEvents.Contains($"{entity}.{action}") ? (entity, action) : null;
    }
}
