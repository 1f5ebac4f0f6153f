using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Records;

namespace Platform.Connectors.ManyChat.Mapping;

/// <summary>A ManyChat subscriber object (getInfo, findBySystemField) as a canonical contact.</summary>
public static class ManyChatMapping
{
    public const string Source = "manychat";

    public static CanonicalRecord Map(JsonElement subscriber, DateTimeOffset fallbackUpdatedAt)
    {
        var id = Str(subscriber, "id") ?? throw new JsonException("ManyChat subscriber without an id");
        var identifiers = new List<Identifier> { new(IdentifierKinds.ManychatSubscriberId, id) };
        Add(identifiers, IdentifierKinds.Email, Str(subscriber, "email"));
        Add(identifiers, IdentifierKinds.Phone, Str(subscriber, "phone"));
        Add(identifiers, IdentifierKinds.Phone, Str(subscriber, "whatsapp_phone"));
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (subscriber.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            var names = tags.EnumerateArray().Select(t => Str(t, "name")).Where(n => n is not null).Order(StringComparer.Ordinal).ToList();
            if (names.Count > 0)
            {
                attributes["manychat.tags"] = string.Join(", ", names);
            }
        }
        if (subscriber.TryGetProperty("custom_fields", out var fields) && fields.ValueKind == JsonValueKind.Array)
        {
            foreach (var field in fields.EnumerateArray())
            {
                if (Str(field, "name") is { } name && field.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    attributes[$"manychat.cf.{name}"] = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                }
            }
        }
        foreach (var flag in new[] { "optin_email", "optin_phone", "optin_whatsapp" })
        {
            if (subscriber.TryGetProperty(flag, out var optin) && optin.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                attributes[$"manychat.{flag}"] = optin.ValueKind == JsonValueKind.True ? "true" : "false";
            }
        }
        if (Str(subscriber, "whatsapp_phone") is { } whatsapp)
        {
            attributes["manychat.whatsapp_phone"] = whatsapp;
        }
        var first = Str(subscriber, "first_name");
        var last = Str(subscriber, "last_name");
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Contact,
            ExternalId = id,
            SourceUpdatedAt = Date(subscriber, "last_interaction") ?? Date(subscriber, "subscribed") ?? fallbackUpdatedAt,
            Identifiers = identifiers,
            Person = first is null && last is null && Str(subscriber, "name") is null ? null : new PersonFields
            {
                FullName = Str(subscriber, "name"),
                FirstName = first,
                LastName = last,
            },
            Attributes = attributes,
        };
    }

    /// <summary>Tag names on a subscriber object.</summary>
    public static IReadOnlySet<string> Tags(JsonElement subscriber) =>
        subscriber.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => Str(t, "name")).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>();

    private static void Add(List<Identifier> identifiers, string kind, string? value)
    {
        if (value is not null && !identifiers.Any(i => i.Kind == kind && i.Value == value))
        {
            identifiers.Add(new Identifier(kind, value));
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString()!.Trim(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static DateTimeOffset? Date(JsonElement element, string name) =>
        Str(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
}
