using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.InteropServices;
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
    /// <see cref="PayloadHash(string)"/> of an element already parsed (an object of a list page): the same bytes hashed,
    /// without parsing its text again.
    /// </summary>
    public static byte[] PayloadHash(JsonElement payload)
    {
        var buffer = t_compact ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            payload.WriteTo(writer);
        }
        return SHA256.HashData(buffer.WrittenSpan);
    }

    /// <summary>
    /// Serializes a canonical record (<see cref="Options"/>) and computes its <see cref="MappingHash(string)"/> from the
    /// same UTF-8 bytes: one serialization and one parse a record, no text re-encoded between them.
    /// </summary>
    public static (string Json, byte[] MappingHash) SerializeWithMappingHash<T>(T record)
    {
        var (json, hash) = SerializeUtf8WithMappingHash(record);
        return (Encoding.UTF8.GetString(json), hash);
    }

    /// <summary>
    /// <see cref="SerializeWithMappingHash{T}"/> as UTF-8 bytes: what a COPY writes as jsonb as it is (half the memory of
    /// a string, and no text re-encoded on the way to the database).
    /// </summary>
    public static (byte[] Json, byte[] MappingHash) SerializeUtf8WithMappingHash<T>(T record)
    {
        var buffer = t_serialized ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, record, Options);
        }
        var json = buffer.WrittenSpan.ToArray();
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

    /// <summary>
    /// Writes an element as PostgreSQL prints the jsonb it parses to. Names, strings and numbers are copied from the
    /// document's UTF-8 bytes when they hold no escape (a string or name with none is printed by PostgreSQL byte for byte
    /// as written: an escape is how JSON spells a quote, backslash or control character; a number with no exponent and
    /// no negative zero prints as written); the rest are decoded and written as PostgreSQL escapes them.
    /// </summary>
    private static void WriteJsonb(ArrayBufferWriter<byte> text, JsonElement element, string? skipTopLevel = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteJsonbObject(text, element, skipTopLevel);
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
                var rawString = JsonMarshal.GetRawUtf8Value(element);
                if (rawString.IndexOf((byte)'\\') < 0)
                {
                    Write(text, rawString);
                }
                else
                {
                    WriteJsonbString(text, element.GetString()!);
                }
                break;
            case JsonValueKind.Number:
                var rawNumber = JsonMarshal.GetRawUtf8Value(element);
                if (rawNumber.IndexOfAny((byte)'e', (byte)'E') < 0 && (rawNumber[0] != (byte)'-' || rawNumber.IndexOfAnyInRange((byte)'1', (byte)'9') >= 0))
                {
                    Write(text, rawNumber);
                }
                else
                {
                    WriteUtf8(text, NumericText(element.GetRawText()));
                }
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
    /// An object as jsonb prints it: keys ordered by their UTF-8 length, then bytes; of duplicate keys the last one. The
    /// keys' UTF-8 bytes are gathered in one buffer per thread (nested objects above the outer one's), so no key becomes a
    /// string unless it holds an escape.
    /// </summary>
    private static void WriteJsonbObject(ArrayBufferWriter<byte> text, JsonElement element, string? skipTopLevel)
    {
        var names = t_names ??= new JsonbNames();
        var mark = names.Length;
        var entries = ArrayPool<JsonbEntry>.Shared.Rent(element.GetPropertyCount());
        try
        {
            var count = 0;
            foreach (var property in element.EnumerateObject())
            {
                if (skipTopLevel is not null && property.NameEquals(skipTopLevel))
                {
                    continue;
                }
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                var escaped = raw.IndexOf((byte)'\\') >= 0;
                var start = names.Length;
                names.Append(escaped ? Encoding.UTF8.GetBytes(property.Name) : raw);
                entries[count] = new JsonbEntry(start, names.Length - start, count, property.Value, escaped);
                count++;
            }
            SortJsonbKeys(entries.AsSpan(0, count), names.Buffer);

            Write(text, "{"u8);
            var written = 0;
            for (var i = 0; i < count; i++)
            {
                var entry = entries[i];
                if (i + 1 < count && names.Span(entries[i + 1]).SequenceEqual(names.Span(entry)))
                {
                    continue;
                }
                if (written++ > 0)
                {
                    Write(text, ", "u8);
                }
                if (entry.Escaped)
                {
                    WriteJsonbString(text, Encoding.UTF8.GetString(names.Span(entry)));
                }
                else
                {
                    Write(text, "\""u8);
                    Write(text, names.Span(entry));
                    Write(text, "\""u8);
                }
                Write(text, ": "u8);
                WriteJsonb(text, entry.Value);
            }
            Write(text, "}"u8);
        }
        finally
        {
            ArrayPool<JsonbEntry>.Shared.Return(entries, clearArray: true);
            names.Length = mark;
        }
    }

    /// <summary>Insertion sort (objects have a few keys) by UTF-8 length, then bytes, then position (so the last duplicate ends last).</summary>
    private static void SortJsonbKeys(Span<JsonbEntry> entries, byte[] names)
    {
        for (var i = 1; i < entries.Length; i++)
        {
            var current = entries[i];
            var j = i - 1;
            while (j >= 0 && CompareJsonbKeys(entries[j], current, names) > 0)
            {
                entries[j + 1] = entries[j];
                j--;
            }
            entries[j + 1] = current;
        }
    }

    private static int CompareJsonbKeys(in JsonbEntry x, in JsonbEntry y, byte[] names)
    {
        var byLength = x.NameLength.CompareTo(y.NameLength);
        if (byLength != 0)
        {
            return byLength;
        }
        var byBytes = names.AsSpan(x.NameStart, x.NameLength).SequenceCompareTo(names.AsSpan(y.NameStart, y.NameLength));
        return byBytes != 0 ? byBytes : x.Index.CompareTo(y.Index);
    }

    /// <summary>A key of an object being written: where its UTF-8 bytes are, its position, its value.</summary>
    private readonly record struct JsonbEntry(int NameStart, int NameLength, int Index, JsonElement Value, bool Escaped);

    /// <summary>The UTF-8 bytes of the keys of the objects being written on this thread.</summary>
    private sealed class JsonbNames
    {
        public byte[] Buffer { get; private set; } = new byte[1024];

        public int Length { get; set; }

        public ReadOnlySpan<byte> Span(in JsonbEntry entry) => Buffer.AsSpan(entry.NameStart, entry.NameLength);

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > Buffer.Length)
            {
                var larger = new byte[Math.Max(Buffer.Length * 2, Length + bytes.Length)];
                Buffer.AsSpan(0, Length).CopyTo(larger);
                Buffer = larger;
            }
            bytes.CopyTo(Buffer.AsSpan(Length));
            Length += bytes.Length;
        }
    }

    [ThreadStatic]
    private static JsonbNames? t_names;

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
}
