using System.Buffers;
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
        // The compact form is written as UTF-8 into a reused buffer (the bytes JsonSerializer.Serialize(RootElement) gives).
        var buffer = t_compact ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        try
        {
            using var document = JsonDocument.Parse(payload);
            using var writer = new Utf8JsonWriter(buffer);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            return SHA256.HashData(Encoding.UTF8.GetBytes(payload));
        }
        return SHA256.HashData(buffer.WrittenSpan);
    }

    /// <summary>
    /// Serializes a canonical record (<see cref="Options"/>) and computes its <see cref="MappingHash(string)"/> from the
    /// same UTF-8 bytes: one serialization and one parse a record, no text re-encoded between them.
    /// </summary>
    public static (string Json, byte[] MappingHash) SerializeWithMappingHash<T>(T record)
    {
        var buffer = t_serialized ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, record, Options);
        }
        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (json, HashJsonb(document.RootElement));
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
        return HashJsonb(document.RootElement);
    }

    private static byte[] HashJsonb(JsonElement root)
    {
        // Called for every staged row (a 500,000-row file included): written as UTF-8 into one reused buffer per thread.
        var buffer = t_jsonbText ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        WriteJsonb(buffer, root, skipTopLevel: "sourceUpdatedAt");
        return SHA256.HashData(buffer.WrittenSpan);
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_jsonbText;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_compact;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_serialized;

    private static void WriteJsonb(ArrayBufferWriter<byte> text, JsonElement element, string? skipTopLevel = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new (string Name, JsonElement Value, int Index)[element.GetPropertyCount()];
                var count = 0;
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name != skipTopLevel)
                    {
                        properties[count] = (property.Name, property.Value, count);
                        count++;
                    }
                }
                // jsonb orders keys by length, then by their UTF-8 bytes, and keeps the last of duplicate keys.
                Array.Sort(properties, 0, count, JsonbKeyOrder.Instance);
                Write(text, "{"u8);
                var written = 0;
                for (var i = 0; i < count; i++)
                {
                    if (i + 1 < count && properties[i + 1].Name == properties[i].Name)
                    {
                        continue;
                    }
                    if (written++ > 0)
                    {
                        Write(text, ", "u8);
                    }
                    WriteJsonbString(text, properties[i].Name);
                    Write(text, ": "u8);
                    WriteJsonb(text, properties[i].Value);
                }
                Write(text, "}"u8);
                break;
            case JsonValueKind.Array:
                Write(text, "["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Write(text, ", "u8);
                    }
                    first = false;
                    WriteJsonb(text, item);
                }
                Write(text, "]"u8);
                break;
            case JsonValueKind.String:
                WriteJsonbString(text, element.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteUtf8(text, NumericText(element.GetRawText()));
                break;
            case JsonValueKind.True:
                Write(text, "true"u8);
                break;
            case JsonValueKind.False:
                Write(text, "false"u8);
                break;
            default:
                Write(text, "null"u8);
                break;
        }
    }

    /// <summary>
    /// A JSON number as PostgreSQL's numeric prints it: no exponent (<c>1.5e-7</c> → <c>0.00000015</c>, <c>12.3E1</c> →
    /// <c>123</c>: the scale is the fraction's digits less the exponent), the written scale kept, no minus on zero.
    /// </summary>
    private static string NumericText(string raw)
    {
        var negative = raw.StartsWith('-');
        var body = negative ? raw[1..] : raw;
        var e = body.IndexOfAny(['e', 'E']);
        var exponent = e < 0 ? 0 : int.Parse(body[(e + 1)..], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? body : body[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
        var scale = (dot < 0 ? 0 : mantissa.Length - dot - 1) - exponent;
        if (scale < 0)
        {
            digits += new string('0', -scale);
            scale = 0;
        }
        if (digits.Length <= scale)
        {
            digits = new string('0', scale - digits.Length + 1) + digits;
        }
        var whole = digits[..^scale].TrimStart('0');
        var text = (whole.Length == 0 ? "0" : whole) + (scale > 0 ? "." + digits[^scale..] : "");
        return negative && text.AsSpan().ContainsAnyExcept("0.") ? "-" + text : text;
    }

    /// <summary>PostgreSQL's escape_json: the short escapes, other control characters as <c>\u00xx</c>, everything else as is.</summary>
    private static void WriteJsonbString(ArrayBufferWriter<byte> text, string value)
    {
        Write(text, "\""u8);
        var run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            ReadOnlySpan<byte> escape = c switch
            {
                '\b' => "\\b"u8,
                '\f' => "\\f"u8,
                '\n' => "\\n"u8,
                '\r' => "\\r"u8,
                '\t' => "\\t"u8,
                '"' => "\\\""u8,
                '\\' => "\\\\"u8,
                _ => default,
            };
            if (escape.IsEmpty && c >= ' ')
            {
                continue;
            }
            WriteUtf8(text, value.AsSpan(run, i - run));
            run = i + 1;
            if (escape.IsEmpty)
            {
                WriteUtf8(text, "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                Write(text, escape);
            }
        }
        WriteUtf8(text, value.AsSpan(run));
        Write(text, "\""u8);
    }

    private static void Write(ArrayBufferWriter<byte> text, ReadOnlySpan<byte> bytes) => text.Write(bytes);

    private static void WriteUtf8(ArrayBufferWriter<byte> text, ReadOnlySpan<char> chars)
    {
        var written = Encoding.UTF8.GetBytes(chars, text.GetSpan(Encoding.UTF8.GetMaxByteCount(chars.Length)));
        text.Advance(written);
    }

    /// <summary>Length in UTF-8 bytes, then the bytes; equal names in their order in the text, so the last duplicate ends last.</summary>
    private sealed class JsonbKeyOrder : IComparer<(string Name, JsonElement Value, int Index)>
    {
        public static readonly JsonbKeyOrder Instance = new();

        public int Compare((string Name, JsonElement Value, int Index) x, (string Name, JsonElement Value, int Index) y)
        {
            var byLength = Encoding.UTF8.GetByteCount(x.Name).CompareTo(Encoding.UTF8.GetByteCount(y.Name));
            if (byLength != 0)
            {
                return byLength;
            }
            // UTF-16 order is UTF-8 byte order except between surrogates and U+E000..U+FFFF: compare bytes then.
            var byName = x.Name.AsSpan().IndexOfAnyInRange('\uD800', '\uFFFF') < 0 && y.Name.AsSpan().IndexOfAnyInRange('\uD800', '\uFFFF') < 0
                ? string.CompareOrdinal(x.Name, y.Name)
                : Encoding.UTF8.GetBytes(x.Name).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y.Name));
            return byName != 0 ? byName : x.Index.CompareTo(y.Index);
        }
    }
}
