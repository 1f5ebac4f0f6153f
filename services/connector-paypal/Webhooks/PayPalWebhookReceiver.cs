using System.Text.Json;
using Platform.Connectors.PayPal.Mapping;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.PayPal.Webhooks;

/// <summary>
/// PayPal webhooks. Authenticity is PayPal's answer to verify-webhook-signature, asked in <see cref="VerifyAsync"/>:
/// a delivery PayPal does not verify is refused like every other (the SDK's one 401, PayPal's verdict only logged) and
/// nothing is staged; PayPal out of reach is a 503 (PayPal delivers again later). The event id (<c>WH-…</c>) is what the
/// SDK deduplicates on.
/// </summary>
public sealed class PayPalWebhookReceiver(PayPalSignatureVerifier verifier) : IWebhookReceiver
{
    public async ValueTask<WebhookVerdict> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Headers["PAYPAL-TRANSMISSION-SIG"].ToString()))
        {
            return WebhookVerdict.Refuse("The PAYPAL-TRANSMISSION-SIG header is missing: the delivery is not from PayPal.");
        }
        string? id, type;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var root = document.RootElement;
            id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                ? idElement.GetString() : null;
            type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event_type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
                ? typeElement.GetString() : null;
        }
        catch (JsonException ex)
        {
            return WebhookVerdict.Refuse($"The body is not JSON: {ex.Message}");
        }
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(type))
        {
            return WebhookVerdict.Refuse("The body is not a PayPal event: it has no \"id\" or \"event_type\".");
        }
        // Asked last: only a delivery that looks like PayPal's costs a call to PayPal.
        return await verifier.RefusalAsync(request, cancellationToken) is { } refusal
            ? WebhookVerdict.Refuse(refusal)
            : WebhookVerdict.Accept(id, type);
    }

    public ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var document = JsonDocument.Parse(request.Body);
        var record = PayPalMapping.Webhook(document.RootElement);
        IReadOnlyList<StagedRecordInput> records = record is null
            ? []
            : [StagedRecordInput.Of("transactions", document.RootElement.GetProperty("resource"), record)];
        return ValueTask.FromResult(records);
    }
}
