using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.Ploomes.Domain;

/// <summary>
/// Ploomes webhooks. Ploomes pushes a small notice (<c>{"ResourceId":…,"Entity":"Deals","Action":"Update",
/// "ValidationKey":"…"}</c>) and signs nothing: the workspace's <c>ValidationKey</c>, echoed in the body (or, by some
/// senders, in <c>X-Ploomes-Validation-Key</c>), is the only check. So the notice is only a hint: the contact or
/// deal is re-read through the API by id and that answer is staged; the pushed fields are never used.
/// <para>
/// Event ids: Ploomes sends none, so the id is a hash of entity, action, resource id and the push's own
/// timestamp (<c>New.LastUpdateDate</c>, <c>Date</c>…) when it carries one. Without one, a retry cannot be told
/// from a second change to the same record by the push alone, and deduplicating on (entity, action, id) would drop
/// every later change; so the event is identified by content (<see cref="WebhookVerdict.AcceptByContent"/>): the
/// key plus the record re-read. A retried push re-reads the same state and is a duplicate; a later change reads a
/// new state and is staged. (The receive time once stood in, so a retry a second later was staged twice.)
/// </para>
/// <para>The ValidationKey in the body is a secret: it is redacted before the body is stored.</para>
/// <para>
/// Stale pushes: Ploomes does not sign a timestamp, so replays cannot be refused by age. They are harmless: a
/// replay re-reads the record as it is now.
/// </para>
/// </summary>
public sealed class PloomesWebhookReceiver(IPloomesApi api, IConfiguration configuration) : IWebhookReceiver
{
    /// <summary>Ploomes pushes ids only: mapping re-reads the entity, so a redelivery is looked up first.</summary>
    public bool MapCallsSource => true;

    public const string ValidationKeyHeader = "X-Ploomes-Validation-Key";

    public WebhookVerdict Verify(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var expected = request.Credentials["ValidationKey"];
        if (string.IsNullOrEmpty(expected))
        {
            return WebhookVerdict.Refuse(
                $"No Ploomes ValidationKey is configured for workspace '{request.WorkspaceId}': set Connectors:Ploomes:Workspaces:{request.WorkspaceId}:ValidationKey to the key the webhook was created with.");
        }
        var push = PloomesPush.Parse(request.Body);
        var presented = request.Headers[ValidationKeyHeader].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
        if (push?.ValidationKey is { Length: > 0 } bodyKey)
        {
            presented.Add(bodyKey);
        }
        if (presented.Count == 0)
        {
            return WebhookVerdict.Refuse($"No ValidationKey: the body has no \"ValidationKey\" and there is no {ValidationKeyHeader} header.");
        }
        // Every presented key is compared, so the time taken does not depend on which one matched.
        var matched = false;
        foreach (var key in presented)
        {
            matched |= KeyMatches(expected, key);
        }
        if (!matched)
        {
            return WebhookVerdict.Refuse("The ValidationKey does not match this workspace's Ploomes ValidationKey.");
        }
        if (push is null)
        {
            return WebhookVerdict.Malformed("The ValidationKey matches but the body is not a JSON object, so it is not a Ploomes push.");
        }
        return push.Timestamp is null
            ? WebhookVerdict.AcceptByContent(push.Key, push.EventType)
            : WebhookVerdict.Accept(push.EventId, push.EventType);
    }

    /// <summary>The ValidationKey Ploomes echoes in every push is never stored.</summary>
    public IReadOnlyCollection<string> SecretFields { get; } = ["ValidationKey"];

    public async ValueTask<IReadOnlyList<StagedRecordInput>> MapAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var push = PloomesPush.Parse(request.Body) ?? throw new WebhookPayloadException("the body is not a JSON object");
        if (push.Entity is null)
        {
            throw new WebhookPayloadException("field \"Entity\" (or \"EntityId\") is missing");
        }
        if (push.Entity is not (PloomesPush.Contact or PloomesPush.Deal))
        {
            return []; // orders, quotes, tasks…: not used by the platform
        }
        var id = push.ResourceId ?? throw new WebhookPayloadException("field \"ResourceId\" is missing or not a number");
        _ = PloomesPaging.UserKey(request.WorkspaceId, request.Credentials["UserKey"]);
        var options = PloomesMappingOptions.For(configuration, request.Credentials);

        var isDeal = push.Entity == PloomesPush.Deal;
        using var page = isDeal
            ? await api.GetDealByIdAsync(request.WorkspaceId, id, cancellationToken)
            : await api.GetContactByIdAsync(request.WorkspaceId, id, cancellationToken);
        var wanted = id.ToString(CultureInfo.InvariantCulture);
        var current = page.Items.FirstOrDefault(item => PloomesMapping.Id(item, "Id") == wanted);
        if (current.ValueKind != JsonValueKind.Object)
        {
            return []; // deleted (or never visible to this key): nothing to stage
        }
        var record = isDeal ? PloomesMapping.MapDeal(current, options) : PloomesMapping.MapContact(current, options);
        return record is null
            ? []
            : [StagedRecordInput.Of(isDeal ? PloomesMapping.DealsStream : PloomesMapping.ContactsStream, current, record)];
    }

    /// <summary>Compares digests, so neither the content nor the length of the key leaks through timing.</summary>
    private static bool KeyMatches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    internal static string Hash(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..32];
}

/// <summary>The fields of a Ploomes push the connector reads (names and spellings vary by sender).</summary>
internal sealed record PloomesPush(string? Entity, string Action, long? ResourceId, string? ValidationKey, string? Timestamp)
{
    public const string Contact = "contact";
    public const string Deal = "deal";

    // Ploomes' entity and action ids (Webhooks@Actions); win/lose/reopen ids differ between sources, so only these.
    private static readonly Dictionary<long, string> EntityIds = new() { [1] = Contact, [2] = Deal, [4] = "order", [7] = "product", [8] = "quote", [12] = "task" };
    private static readonly Dictionary<long, string> ActionIds = new() { [1] = "create", [2] = "update", [3] = "delete" };

    public string EventType => $"{Entity ?? "unknown"}.{Action}";

    /// <summary>Entity, action and resource id: what a push is about, not when (see the receiver).</summary>
    public string Key => PloomesWebhookReceiver.Hash(Entity ?? "", Action, ResourceId?.ToString(CultureInfo.InvariantCulture) ?? "");

    /// <summary>The id of a push that carries its own timestamp: the same on every retry.</summary>
    public string EventId => PloomesWebhookReceiver.Hash(
        Entity ?? "", Action, ResourceId?.ToString(CultureInfo.InvariantCulture) ?? "", Timestamp ?? "");

    /// <summary>The push, or null when the body is not a JSON object.</summary>
    public static PloomesPush? Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var @new = Member(root, "New");
            return new PloomesPush(
                EntityOf(Member(root, "Entity"), Member(root, "EntityId")),
                ActionOf(Member(root, "Action"), Member(root, "ActionId")),
                Number(Member(root, "ResourceId")) ?? Number(Member(root, "Id")) ?? Number(Member(@new, "Id")),
                Text(Member(root, "ValidationKey")),
                Text(Member(@new, "LastUpdateDate")) ?? Text(Member(root, "LastUpdateDate")) ?? Text(Member(root, "Date"))
                    ?? Text(Member(root, "DateTime")) ?? Text(Member(root, "Timestamp")) ?? Text(Member(root, "EventDate")));
        }
    }

    private static string? EntityOf(JsonElement name, JsonElement id)
    {
        if (Text(name) is { } text)
        {
            var lower = text.Trim().ToLowerInvariant();
            return lower switch
            {
                "contact" or "contacts" => Contact,
                "deal" or "deals" => Deal,
                _ => lower,
            };
        }
        return Number(id) is { } entityId ? EntityIds.GetValueOrDefault(entityId, $"entity{entityId}") : null;
    }

    private static string ActionOf(JsonElement name, JsonElement id) =>
        Text(name)?.Trim().ToLowerInvariant()
        ?? (Number(id) is { } actionId ? ActionIds.GetValueOrDefault(actionId, $"action{actionId}") : "unknown");

    private static JsonElement Member(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return default;
        }
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }
        return default;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when !string.IsNullOrWhiteSpace(value.GetString()) => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static long? Number(JsonElement value) =>
        Text(value) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number > 0 ? number : null;
}
