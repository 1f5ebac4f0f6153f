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
}
