using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Connectors;

/// <summary>How canonical records are stored beside the raw payload, and how payloads are fingerprinted.</summary>
public static class CanonicalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// SHA-256 of the payload's compact JSON form, so the same object sent by a webhook and by a list page
    /// (formatted differently) is recognised as the same version. Non-JSON payloads (CSV rows) hash as text.
    /// </summary>
    public static byte[] PayloadHash(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        string compact;
        try
        {
            using var document = JsonDocument.Parse(payload);
            compact = JsonSerializer.Serialize(document.RootElement);
        }
        catch (JsonException)
        {
            compact = payload;
        }
        return SHA256.HashData(Encoding.UTF8.GetBytes(compact));
    }

    /// <summary>
    /// The mapping's half of a version key: SHA-256 of the canonical record without <c>sourceUpdatedAt</c>, written as
    /// PostgreSQL writes jsonb as text — byte for byte <c>sha256(convert_to((canonical - 'sourceUpdatedAt')::text, 'UTF8'))</c>,
    /// the expression that filled canonical_hash before it was computed here (rows staged then keep their keys). Computed
    /// by the caller, off the database: jsonb keys sorted by length then bytes, <c>", "</c> and <c>": "</c> between
    /// items, strings escaped as PostgreSQL's escape_json does, numbers as numeric prints them.
    /// </summary>
    public static byte[] MappingHash(string canonicalJson)
    {
        ArgumentNullException.ThrowIfNull(canonicalJson);
        using var document = JsonDocument.Parse(canonicalJson);
        var text = new StringBuilder(canonicalJson.Length + canonicalJson.Length / 4);
        WriteJsonb(text, document.RootElement, skipTopLevel: "sourceUpdatedAt");
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void WriteJsonb(StringBuilder text, JsonElement element, string? skipTopLevel = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // jsonb keeps the last of duplicate keys and orders keys by length, then by their UTF-8 bytes.
                var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name != skipTopLevel)
                    {
                        properties[property.Name] = property.Value;
                    }
                }
                var keys = properties.Keys.Select(k => (Key: k, Bytes: Encoding.UTF8.GetBytes(k))).ToList();
                keys.Sort((a, b) => a.Bytes.Length != b.Bytes.Length
                    ? a.Bytes.Length.CompareTo(b.Bytes.Length)
                    : a.Bytes.AsSpan().SequenceCompareTo(b.Bytes));
                text.Append('{');
                for (var i = 0; i < keys.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    WriteJsonbString(text, keys[i].Key);
                    text.Append(": ");
                    WriteJsonb(text, properties[keys[i].Key]);
                }
                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        text.Append(", ");
                    }
                    first = false;
                    WriteJsonb(text, item);
                }
                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteJsonbString(text, element.GetString()!);
                break;
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                // numeric prints plain digits: an exponent (a double written as 1E+20) is expanded, a scale is kept.
                text.Append(raw.Contains('e', StringComparison.OrdinalIgnoreCase)
                    ? decimal.Parse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)
                        .ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : raw);
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            default:
                text.Append("null");
                break;
        }
    }

    private static void WriteJsonbString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                default:
                    if (c < ' ')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        text.Append('"');
    }
}
