using System.Text;
using System.Text.Json;
using Platform.Connectors.Http;
using Platform.Connectors.PayPal.Api;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.PayPal.Webhooks;

/// <summary>
/// Decides whether a delivery is authentic, as the workspace's <c>WebhookVerification</c> says. <c>online</c> (the
/// default) asks PayPal: <c>POST /v1/notifications/verify-webhook-signature</c> with the delivery's PAYPAL-* headers,
/// the workspace's <c>WebhookId</c> and the event exactly as received. The request body is written as text around the
/// raw body: parsing and re-serialising the event would change the bytes PayPal signed (key order, spacing, number
/// formats) and every verification would fail. <c>offline</c> checks the signature itself: RSA SHA-256 over
/// <c>transmissionId|transmissionTime|webhookId|crc32(raw body)</c> with the certificate at PAYPAL-CERT-URL (PayPal's
/// hosts only, cached by URL, inside its validity dates), with no call to PayPal per delivery.
/// </summary>
public sealed class PayPalSignatureVerifier(IPayPalApi api, PayPalCertificates certificates)
{
    /// <summary>The workspace setting that chooses how deliveries are verified.</summary>
    public const string ModeField = "WebhookVerification";

    private static readonly string[] Headers =
        ["PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-TIME", "PAYPAL-TRANSMISSION-SIG", "PAYPAL-CERT-URL", "PAYPAL-AUTH-ALGO"];

    /// <summary>Null when PayPal says SUCCESS; otherwise why the delivery is refused.</summary>
    public async Task<string?> RefusalAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var missing = Headers.Where(h => string.IsNullOrEmpty(request.Headers[h].ToString())).ToList();
        if (missing.Count > 0)
        {
            return $"The delivery has no {string.Join(", ", missing)} header(s): it is not from PayPal.";
        }
        var webhookId = request.Credentials["WebhookId"];
        if (string.IsNullOrWhiteSpace(webhookId))
        {
            return $"Workspace '{request.WorkspaceId}' has no PayPal WebhookId (Connectors__PayPal__Workspaces__{request.WorkspaceId}__WebhookId): deliveries cannot be verified.";
        }
        var mode = request.Credentials[ModeField]?.Trim().ToLowerInvariant();
        if (mode is "offline")
        {
            return await OfflineRefusalAsync(request, webhookId.Trim(), cancellationToken);
        }
        if (mode is not (null or "" or "online"))
        {
            return $"Workspace '{request.WorkspaceId}' has WebhookVerification '{mode}'; use online or offline.";
        }
        var body = new StringBuilder(request.BodyText.Length + 1024).Append('{');
        Field(body, "auth_algo", request.Headers["PAYPAL-AUTH-ALGO"].ToString());
        Field(body, "cert_url", request.Headers["PAYPAL-CERT-URL"].ToString());
        Field(body, "transmission_id", request.Headers["PAYPAL-TRANSMISSION-ID"].ToString());
        Field(body, "transmission_sig", request.Headers["PAYPAL-TRANSMISSION-SIG"].ToString());
        Field(body, "transmission_time", request.Headers["PAYPAL-TRANSMISSION-TIME"].ToString());
        Field(body, "webhook_id", webhookId.Trim());
        body.Append("\"webhook_event\":").Append(request.BodyText).Append('}');
        using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
        using var response = await api.VerifyWebhookSignatureAsync(request.WorkspaceId, content, cancellationToken);
        using var answer = response.Content("PayPal", request.WorkspaceId);
        var status = answer.RootElement.TryGetProperty("verification_status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return status == "SUCCESS" ? null : $"PayPal answered verification_status {status ?? "(none)"}: the signature does not match this body and webhook.";
    }

    private async Task<string?> OfflineRefusalAsync(WebhookRequest request, string webhookId, CancellationToken cancellationToken)
    {
        var algorithm = request.Headers["PAYPAL-AUTH-ALGO"].ToString();
        if (algorithm != "SHA256withRSA")
        {
            return $"PAYPAL-AUTH-ALGO '{algorithm}' is not SHA256withRSA.";
        }
        var certUrl = request.Headers["PAYPAL-CERT-URL"].ToString();
        if (certificates.Refusal(certUrl) is { } hostRefusal)
        {
            return hostRefusal;
        }
        var (certificate, refusal) = await certificates.GetAsync(certUrl, cancellationToken);
        if (certificate is null)
        {
            return refusal;
        }
        if (certificates.DatesRefusal(certificate) is { } expired)
        {
            return expired;
        }
        var message = PayPalCertificates.Message(request.Headers["PAYPAL-TRANSMISSION-ID"].ToString(),
            request.Headers["PAYPAL-TRANSMISSION-TIME"].ToString(), webhookId, request.Body.Span);
        return PayPalCertificates.Verify(certificate, message, request.Headers["PAYPAL-TRANSMISSION-SIG"].ToString())
            ? null
            : "The PAYPAL-TRANSMISSION-SIG does not match this body and webhook under PayPal's certificate.";
    }

    private static void Field(StringBuilder body, string name, string value) =>
        body.Append('"').Append(name).Append("\":").Append(JsonSerializer.Serialize(value)).Append(',');
}
