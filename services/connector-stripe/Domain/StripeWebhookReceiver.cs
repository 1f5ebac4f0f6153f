using System.Globalization;
using System.Text.Json;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.Stripe.Domain;

/// <summary>
/// Stripe webhooks: <c>Stripe-Signature: t=…,v1=…[,v1=…]</c>, HMAC-SHA256 of <c>t + "." + raw body</c> under the
/// endpoint secret (<c>WebhookSecret</c>; several v1 during a secret rotation), 300 s tolerance.
/// </summary>
public sealed class StripeWebhookReceiver : IWebhookReceiver
{
    /// <summary>Stripe's own libraries' default tolerance.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    public WebhookVerdict Verify(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var secret = request.Credentials["WebhookSecret"];
        if (string.IsNullOrEmpty(secret))
        {
            return WebhookVerdict.Refuse($"No Stripe webhook secret is configured for workspace '{request.WorkspaceId}'.");
        }
        var header = request.Headers["Stripe-Signature"].ToString();
        if (string.IsNullOrEmpty(header))
        {
            return WebhookVerdict.Refuse("The Stripe-Signature header is missing.");
        }

        long? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                continue;
            }
            if (pair[0] == "t" && long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (pair[0] == "v1")
            {
                signatures.Add(pair[1]);
            }
        }
        if (timestamp is null || signatures.Count == 0)
        {
            return WebhookVerdict.Refuse("The Stripe-Signature header has no timestamp (t=) or no v1 signature.");
        }

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(timestamp.Value);
        if ((request.ReceivedAt - signedAt).Duration() > Tolerance)
        {
            return WebhookVerdict.Refuse(
                $"The Stripe-Signature timestamp {signedAt:O} is outside the {Tolerance.TotalSeconds:0} s tolerance (a replay or a wrong clock).");
        }

        var prefix = System.Text.Encoding.UTF8.GetBytes(timestamp.Value.ToString(CultureInfo.InvariantCulture) + ".");
        var data = new byte[prefix.Length + request.Body.Length];
        prefix.CopyTo(data, 0);
        request.Body.Span.CopyTo(data.AsSpan(prefix.Length));
        var expected = WebhookSignatures.HmacSha256Hex(secret, data);
        // Check every v1 so the time taken does not depend on which one matched.
        var matched = false;
        foreach (var signature in signatures)
        {
            matched |= WebhookSignatures.FixedTimeEquals(expected, signature);
        }
        if (!matched)
        {
            return WebhookVerdict.Refuse("No v1 signature in Stripe-Signature matches the body under this workspace's webhook secret.");
        }

        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return WebhookVerdict.Malformed("The signed body is not a Stripe event: it is not a JSON object.");
            }
            var id = root.TryGetProperty("id", out var idElement) ? idElement.GetString() : null;
            var type = root.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(type))
            {
                return WebhookVerdict.Malformed("The signed body is not a Stripe event: it has no \"id\" or \"type\".");
            }
            return WebhookVerdict.Accept(id, type);
        }
        catch (JsonException ex)
        {
            return WebhookVerdict.Malformed($"The signed body is not JSON: {ex.Message}");
        }
    }

    public ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var document = JsonDocument.Parse(request.Body);
        var root = document.RootElement;
        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookPayloadException("field \"data.object\" is missing or not an object");
        }
        var eventCreated = root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeSeconds(created.GetInt64())
            : (DateTimeOffset?)null;
        var mapped = StripeMapping.Map(obj, eventCreated);
        IReadOnlyList<StagedRecordInput> records = mapped is null
            ? []
            : [StagedRecordInput.Of(StripeMapping.StreamOf(mapped.EntityType, obj), obj, mapped)];
        return ValueTask.FromResult(records);
    }
}
