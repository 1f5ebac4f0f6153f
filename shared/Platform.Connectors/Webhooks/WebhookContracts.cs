using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Webhooks;

/// <summary>A source's webhook: how to check it is authentic and how to map it to staged records.</summary>
public interface IWebhookReceiver
{
    /// <summary>Checks the signature (in constant time) and freshness; never throws for a bad request.</summary>
    WebhookVerdict Verify(WebhookRequest request);

    /// <summary>
    /// Maps a verified event to records to stage (none for event types the platform does not use). May call the
    /// source's API (Ploomes pushes ids only). Throws <see cref="WebhookPayloadException"/> for a malformed body.
    /// </summary>
    ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <summary>One webhook delivery: the raw body, the headers and the workspace's credentials section.</summary>
public sealed record WebhookRequest(
    string WorkspaceId,
    IHeaderDictionary Headers,
    ReadOnlyMemory<byte> Body,
    IConfigurationSection Credentials,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText { get; } = System.Text.Encoding.UTF8.GetString(Body.Span);
}

/// <summary>Whether a delivery is authentic, and if so its vendor event id and type.</summary>
public sealed record WebhookVerdict
{
    private WebhookVerdict() { }

    public bool Accepted { get; private init; }
    public string EventId { get; private init; } = "";
    public string EventType { get; private init; } = "";
    public string? RefusalReason { get; private init; }

    public static WebhookVerdict Accept(string eventId, string eventType) =>
        new() { Accepted = true, EventId = eventId, EventType = eventType };

    /// <summary>Refused (answered 401): a bad or missing signature, a stale timestamp.</summary>
    public static WebhookVerdict Refuse(string reason) => new() { RefusalReason = reason };
}

/// <summary>A webhook body that cannot be mapped; the message names the field.</summary>
public sealed class WebhookPayloadException : Exception
{
    public WebhookPayloadException(string message) : base(message) { }
    public WebhookPayloadException(string message, Exception inner) : base(message, inner) { }
    public WebhookPayloadException() { }
}
