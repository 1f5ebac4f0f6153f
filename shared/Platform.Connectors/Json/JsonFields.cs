using System.Globalization;
using System.Text.Json;

namespace Platform.Connectors.Json;

/// <summary>
/// Null-tolerant readers of vendor JSON fields, one set for every mapping (<c>using static Platform.Connectors.Json.JsonFields;</c>).
/// Each answers null when the object is not an object, the field is absent, null or of another kind, and blank strings
/// read as null: a vendor that sends <c>""</c> for "no email" has no email.
/// </summary>
public static class JsonFields
{
    /// <summary>The field when it is an object; otherwise <c>default</c> (which every reader here accepts).</summary>
    public static JsonElement Obj(JsonElement obj, string name) =>
        Field(obj, name) is { ValueKind: JsonValueKind.Object } value ? value : default;

    /// <summary>The field when it is an array; otherwise <c>default</c>.</summary>
    public static JsonElement Arr(JsonElement obj, string name) =>
        Field(obj, name) is { ValueKind: JsonValueKind.Array } value ? value : default;

    /// <summary>A string field; null when absent, not a string or blank.</summary>
    public static string? Str(JsonElement obj, string name) =>
        Field(obj, name) is { ValueKind: JsonValueKind.String } value && value.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;

    /// <summary>A scalar as the source sent it: strings as they are (blank: null), numbers and booleans as their JSON text.</summary>
    public static string? Raw(JsonElement obj, string name) => Field(obj, name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        }
        : null;

    /// <summary>A whole number, sent as a JSON number or as a string of digits.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Reads as the type it returns, beside Str and Bool.")]
    public static long? Long(JsonElement obj, string name) => Field(obj, name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        }
        : null;

    /// <summary>A boolean, sent as <c>true</c>/<c>false</c> or as the strings "true"/"false".</summary>
    public static bool? Bool(JsonElement obj, string name) => Field(obj, name) is { } value
        ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
            _ => null,
        }
        : null;

    /// <summary>A Unix time in seconds (number or numeric string).</summary>
    public static DateTimeOffset? UnixSeconds(JsonElement obj, string name) =>
        Long(obj, name) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>A Unix time in milliseconds (number or numeric string); zero and negative values read as absent.</summary>
    public static DateTimeOffset? UnixMilliseconds(JsonElement obj, string name) =>
        Long(obj, name) is { } ms && ms > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>An ISO 8601 date; without an offset it is taken as UTC.</summary>
    public static DateTimeOffset? IsoDate(JsonElement obj, string name) =>
        Str(obj, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;

    /// <summary>The field itself when present and not null.</summary>
    public static JsonElement? Field(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
