using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Webhooks;

/// <summary>What the SDK does to a verified body before it is mapped and stored.</summary>
public static class WebhookBodies
{
    /// <summary>The value that replaces a secret found in a body.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>
    /// The body with the values of top-level members named in <paramref name="secretFields"/> (case-insensitive)
    /// replaced by <see cref="Redacted"/>; the body itself when none is present or it is not a JSON object. Other
    /// members keep their order and values.
    /// </summary>
    public static ReadOnlyMemory<byte> Redact(ReadOnlyMemory<byte> body, IReadOnlyCollection<string> secretFields)
    {
        ArgumentNullException.ThrowIfNull(secretFields);
        if (secretFields.Count == 0)
        {
            return body;
        }
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(body.Span) as JsonObject;
        }
        catch (JsonException)
        {
            return body;
        }
        if (root is null)
        {
            return body;
        }
        var found = root.Select(p => p.Key).Where(key => secretFields.Contains(key, StringComparer.OrdinalIgnoreCase)).ToList();
        if (found.Count == 0)
        {
            return body;
        }
        foreach (var key in found)
        {
            root[key] = Redacted;
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    /// <summary>
    /// The event id of a delivery identified by content: its key plus each mapped record's entity type, external id
    /// and payload hash (see <see cref="WebhookVerdict.IdentifiedByContent"/>).
    /// </summary>
    public static string ContentEventId(string key, IReadOnlyList<StagedRecordInput> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var text = new StringBuilder(key);
        foreach (var record in records)
        {
            text.Append('\n').Append(record.Record.EntityType).Append('\n').Append(record.Record.ExternalId)
                .Append('\n').Append(Convert.ToHexStringLower(CanonicalJson.PayloadHash(record.Payload)));
        }
        return "content:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..40];
    }
}
