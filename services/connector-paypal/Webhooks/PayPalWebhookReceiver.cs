using System.Text.Json;
using Platform.Connectors.PayPal.Mapping;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.PayPal.Webhooks;

/// <summary>
/// PayPal webhooks. The event id (<c>WH-…</c>) is what the SDK deduplicates on. Authenticity is PayPal's answer to
/// verify-webhook-signature. Until the SDK's webhook verification may be asynchronous, that call happens when the
/// delivery is mapped: a refused delivery is answered 400 with PayPal's verdict and nothing is staged.
/// </summary>
public sealed class PayPalWebhookReceiver(PayPalSignatureVerifier verifier) : IWebhookReceiver
{
    public WebhookVerdict Verify(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Headers["PAYPAL-TRANSMISSION-SIG"].ToString()))
        {
            return WebhookVerdict.Refuse("The PAYPAL-TRANSMISSION-SIG header is missing: the delivery is not from PayPal.");
        }
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var root = document.RootElement;
            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            var type = root.TryGetProperty("event_type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            return string.IsNullOrEmpty(id) || string.IsNullOrEmpty(type)
                ? WebhookVerdict.Refuse("The body is not a PayPal event: it has no \"id\" or \"event_type\".")
                : WebhookVerdict.Accept(id, type);
        }
        catch (JsonException ex)
        {
            return WebhookVerdict.Refuse($"The body is not JSON: {ex.Message}");
        }
    }

    public async ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await verifier.RefusalAsync(request, cancellationToken) is { } refusal)
        {
            throw new WebhookPayloadException($"not verified: {refusal}");
        }
        using var document = JsonDocument.Parse(request.Body);
        var record = PayPalMapping.Webhook(document.RootElement);
        if (record is null)
        {
            return [];
        }
        var resource = document.RootElement.GetProperty("resource").GetRawText();
        return [new StagedRecordInput("transactions", resource, record)];
    }
}
