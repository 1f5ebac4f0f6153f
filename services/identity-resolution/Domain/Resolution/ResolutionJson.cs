using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>The JSON this service stores in its jsonb columns.</summary>
internal static class ResolutionJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Portuguese names stay readable in the database ("São Paulo", not "S\u00E3o Paulo").
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static SortedDictionary<string, GoldenValue> ReadGolden(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, GoldenValue>>(json, Options) ?? [], StringComparer.Ordinal);

    public static IReadOnlyList<Identifier> ReadIdentifiers(string json) =>
        JsonSerializer.Deserialize<List<Identifier>>(json, Options) ?? [];

    public static RecordFields ReadFields(string json) => JsonSerializer.Deserialize<RecordFields>(json, Options) ?? new RecordFields();

    public static IReadOnlyList<UnusableIdentifier> ReadUnusable(string json) =>
        JsonSerializer.Deserialize<List<UnusableIdentifier>>(json, Options) ?? [];

    public static CanonicalRecord ReadRecord(string json) =>
        JsonSerializer.Deserialize<CanonicalRecord>(json, Options) ?? throw new InvalidOperationException("A stored record payload is empty.");
}
