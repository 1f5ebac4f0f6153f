using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Webhooks;

/// <summary>
/// A source's webhook: how to check a delivery is authentic and how to map it to staged records.
/// Implement <see cref="Verify"/> when the check is local (an HMAC, a token, an RSA signature over the body) or
/// <see cref="VerifyAsync"/> when it needs a call (PayPal's verify-webhook-signature). Implement
/// <see cref="IWebhookWorkspaceLocator"/> as well when the delivery names its account in the body.
/// </summary>
public interface IWebhookReceiver
{
    /// <summary>Checks the signature (in constant time) and freshness; never throws for a bad request.</summary>
    WebhookVerdict Verify(WebhookRequest request) =>
        throw new NotSupportedException($"{GetType().Name} implements neither Verify nor VerifyAsync.");

    /// <summary>The check the SDK calls: by default <see cref="Verify"/>. Override to call the vendor.</summary>
    ValueTask<WebhookVerdict> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Verify(request));

    /// <summary>
    /// Top-level JSON members of the body that carry a vendor secret (Hotmart's <c>hottok</c>, Ploomes'
    /// <c>ValidationKey</c>). The SDK replaces their values with <c>"[redacted]"</c> after verification, so
    /// <see cref="MapAsync"/> and every stored copy (<c>webhook_events.body</c>, <c>raw_records.payload</c>) see the
    /// redacted body. Matched case-insensitively.
    /// </summary>
    IReadOnlyCollection<string> SecretFields => [];

    /// <summary>
    /// Whether <see cref="MapAsync"/> calls the source's API (Ploomes re-reads the entity). Only then does the SDK look
    /// the event id up before mapping, so a redelivery costs no call to the source; otherwise the staging transaction's
    /// own insert of the event id finds a redelivery (one query fewer for every webhook).
    /// </summary>
    bool MapCallsSource => false;

    /// <summary>
    /// Maps a verified event to records to stage (none for event types the platform does not use). May call the
    /// source's API (Ploomes pushes ids only). Throws <see cref="WebhookPayloadException"/> for a malformed body.
    /// </summary>
    ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// A source whose deliveries name their account in the body (GoHighLevel's <c>locationId</c>) rather than in the URL.
/// The receiver that implements it is also reachable at <c>POST /webhooks/{source}</c> (no workspace): the SDK reads
/// the account from the body and picks the one workspace where one of <see cref="AccountFields"/> lists it. An account no
/// workspace lists (or several do) is answered exactly as a bad signature (401). The URL form keeps working.
/// </summary>
public interface IWebhookWorkspaceLocator
{
    /// <summary>
    /// The credentials fields that list a workspace's accounts, PascalCase (<c>LocationIds</c>, <c>LocationId</c>): each
    /// one id, several separated by commas, or an array (<c>LocationIds:0</c>, <c>LocationIds:1</c>).
    /// </summary>
    IReadOnlyList<string> AccountFields { get; }

    /// <summary>The account the delivery names; null when it names none. Never throws (the body is untrusted).</summary>
    string? AccountOf(ReadOnlyMemory<byte> body, IHeaderDictionary headers);
}

/// <summary>One webhook delivery: the raw body, the headers and the workspace's credentials section.</summary>
public sealed record WebhookRequest(
    string WorkspaceId,
    IHeaderDictionary Headers,
    ReadOnlyMemory<byte> Body,
    IConfigurationSection Credentials,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The body as UTF-8 text (after redaction when <see cref="IWebhookReceiver.SecretFields"/> is set).</summary>
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body.Span);
}

/// <summary>What the SDK does with a delivery, decided by the receiver's verification.</summary>
public enum WebhookVerdictKind
{
    /// <summary>Authentic: stage it under <see cref="WebhookVerdict.EventId"/>.</summary>
    Accepted,

    /// <summary>Not authentic (bad, missing or stale signature): 401, answered exactly as an unknown workspace.</summary>
    Refused,

    /// <summary>Authentic but unreadable (a correctly signed body that is not JSON, or not the vendor's shape): 400.</summary>
    Malformed,
}

/// <summary>Whether a delivery is authentic, and if so its vendor event id and type.</summary>
public sealed record WebhookVerdict
{
    private WebhookVerdict() { }

    public WebhookVerdictKind Kind { get; private init; }
    public bool Accepted => Kind == WebhookVerdictKind.Accepted;
    public string EventId { get; private init; } = "";
    public string EventType { get; private init; } = "";

    /// <summary>
    /// The vendor sends no event id nor a time of change: <see cref="EventId"/> is only a key (entity, action, record
    /// id) and the SDK completes it with what <see cref="IWebhookReceiver.MapAsync"/> read (each record's entity type,
    /// external id and payload hash). A retried delivery re-reads the same state and is a duplicate; a later change to
    /// the same record reads a new state and is staged. The duplicate check then runs after mapping.
    /// </summary>
    public bool IdentifiedByContent { get; private init; }

    /// <summary>Why it was refused or is malformed: logged, and for <see cref="WebhookVerdictKind.Malformed"/> answered.</summary>
    public string? RefusalReason { get; private init; }

    public static WebhookVerdict Accept(string eventId, string eventType) =>
        new() { Kind = WebhookVerdictKind.Accepted, EventId = eventId, EventType = eventType };

    /// <summary>Accepted, identified by <paramref name="key"/> plus the mapped content (see <see cref="IdentifiedByContent"/>).</summary>
    public static WebhookVerdict AcceptByContent(string key, string eventType) =>
        new() { Kind = WebhookVerdictKind.Accepted, EventId = key, EventType = eventType, IdentifiedByContent = true };

    /// <summary>Refused (answered 401, the reason only logged): a bad or missing signature, a stale timestamp.</summary>
    public static WebhookVerdict Refuse(string reason) => new() { Kind = WebhookVerdictKind.Refused, RefusalReason = reason };

    /// <summary>Authentic but not readable (answered 400 with the reason): only once the signature has verified.</summary>
    public static WebhookVerdict Malformed(string reason) => new() { Kind = WebhookVerdictKind.Malformed, RefusalReason = reason };
}

/// <summary>A webhook body that cannot be mapped; the message names the field.</summary>
public sealed class WebhookPayloadException : Exception
{
    public WebhookPayloadException(string message) : base(message) { }
    public WebhookPayloadException(string message, Exception inner) : base(message, inner) { }
    public WebhookPayloadException() { }
}
