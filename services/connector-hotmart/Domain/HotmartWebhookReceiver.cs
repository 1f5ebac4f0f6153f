using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.Hotmart.Domain;

/// <summary>
/// Hotmart postbacks (v2.0.0). Hotmart signs nothing: each delivery carries the account's hottok in the
/// <c>X-HOTMART-HOTTOK</c> header (some also in the body's <c>hottok</c>), compared in constant time with the
/// workspace's <c>Hottok</c>. Without a signed timestamp, events older than <see cref="HotmartOptions.MaxEventAgeDays"/>
/// (by their <c>creation_date</c>) are refused so an old delivery cannot be replayed.
/// </summary>
public sealed class HotmartWebhookReceiver(IOptions<HotmartOptions> options) : IWebhookReceiver
{
    public const string HottokHeader = "X-HOTMART-HOTTOK";

    /// <summary>Clock skew allowed for a creation date ahead of ours.</summary>
    private static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(10);

    public WebhookVerdict Verify(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var expected = request.Credentials["Hottok"];
        if (string.IsNullOrEmpty(expected))
        {
            return WebhookVerdict.Refuse(
                $"No Hotmart hottok is configured for workspace '{request.WorkspaceId}' (Connectors:Hotmart:Workspaces:{request.WorkspaceId}:Hottok).");
        }

        // The header is what Hotmart sends today; the body field is what older senders (and some v2 events) carry.
        var root = ParseObject(request.Body);
        var header = request.Headers[HottokHeader].ToString();
        var presented = header.Length > 0 ? header
            : root is { } body && body.TryGetProperty("hottok", out var inBody) && inBody.ValueKind == JsonValueKind.String ? inBody.GetString() : null;
        if (string.IsNullOrEmpty(presented))
        {
            return WebhookVerdict.Refuse($"The {HottokHeader} header is missing (and the body has no \"hottok\"): this is not a Hotmart postback.");
        }
        if (!WebhookSignatures.FixedTimeEquals(expected, presented))
        {
            return WebhookVerdict.Refuse(
                $"The hottok does not match workspace '{request.WorkspaceId}''s: check its Hotmart hottok " +
                "against Hotmart → Tools → Developer Tools → Webhook.");
        }
        if (root is not { } postback)
        {
            return WebhookVerdict.Malformed("The body carries the right hottok but is not a JSON object, so it is not a Hotmart postback.");
        }

        var id = postback.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        var type = postback.TryGetProperty("event", out var eventElement) && eventElement.ValueKind == JsonValueKind.String ? eventElement.GetString() : null;
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(type))
        {
            return WebhookVerdict.Malformed("The body is not a Hotmart v2 postback: it has no \"id\" or \"event\".");
        }

        var createdAt = HotmartMapping.EventCreatedAt(postback);
        if (createdAt is null)
        {
            return WebhookVerdict.Refuse($"Event {id} has no creation_date, so its age cannot be checked (Hotmart signs no timestamp).");
        }
        var maxAge = TimeSpan.FromDays(options.Value.MaxEventAgeDays);
        if (request.ReceivedAt - createdAt.Value > maxAge)
        {
            return WebhookVerdict.Refuse(
                $"Event {id} was created at {createdAt.Value:O}, more than {options.Value.MaxEventAgeDays} days ago " +
                "(Connectors:Hotmart:MaxEventAgeDays): refused as a possible replay.");
        }
        if (createdAt.Value - request.ReceivedAt > FutureSkew)
        {
            return WebhookVerdict.Refuse($"Event {id} claims a creation_date in the future ({createdAt.Value:O}): refused as forged or a wrong clock.");
        }
        return WebhookVerdict.Accept(id, type);
    }

    /// <summary>The hottok some senders put in the body is never stored.</summary>
    public IReadOnlyCollection<string> SecretFields { get; } = ["hottok"];

    public ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var document = JsonDocument.Parse(request.Body);
        var mapped = HotmartMapping.MapEvent(document.RootElement);
        // The payload is the whole delivery: Hotmart's data object alone does not say which event it was or when.
        IReadOnlyList<StagedRecordInput> records = mapped is null
            ? []
            : [new StagedRecordInput(mapped.Stream, request.BodyText, mapped.Record)];
        return ValueTask.FromResult(records);
    }

    private static JsonElement? ParseObject(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
