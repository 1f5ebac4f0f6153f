using System.Reflection;
using System.Text.Json;
using Platform.Connectors.Json;
using Refit;

namespace Platform.Connectors.Http;

/// <summary>
/// A JSON answer parsed once, straight from the response stream into pooled buffers, and read in place: a list page's
/// objects are mapped and copied out (<see cref="Staging.StagedRecordInput.Of"/>) without a document, a byte copy and a
/// string of their own each. Dispose it once the page's records are built (nothing read from it may outlive it).
/// A Refit method declares it as its answer: <c>Task&lt;IApiResponse&lt;JsonPage&gt;&gt;</c>.
/// </summary>
public sealed class JsonPage : IDisposable
{
    private readonly JsonDocument _document;

    internal JsonPage(JsonDocument document) => _document = document;

    /// <summary>The answer's top-level value.</summary>
    public JsonElement Root => _document.RootElement;

    /// <summary>
    /// The answer's top-level object; otherwise a <see cref="JsonException"/> saying what came instead ("Hotmart answered
    /// sales/history with a JSON array, not an object": the SDK reports it as a bad response).
    /// </summary>
    public JsonElement RootObject(string source, string what) => Root.ValueKind == JsonValueKind.Object
        ? Root
        : throw new JsonException($"{source} answered {what} with a JSON {Root.ValueKind.ToString().ToLowerInvariant()}, not an object");

    /// <summary>The elements of <paramref name="parent"/>'s array <paramref name="name"/>; none when it is absent or not an array.</summary>
    public static JsonElement[] Items(JsonElement parent, string name) =>
        JsonFields.Arr(parent, name) is { ValueKind: JsonValueKind.Array } list ? [.. list.EnumerateArray()] : [];

    /// <summary>Parses <paramref name="json"/> (tests, and answers read some other way).</summary>
    public static JsonPage Parse(ReadOnlyMemory<byte> json) => new(JsonDocument.Parse(json));

    public void Dispose() => _document.Dispose();
}

/// <summary>
/// Refit's System.Text.Json serializer, except that a <see cref="JsonPage"/> answer is parsed from the response stream
/// into pooled buffers instead of being deserialized (which gives every <see cref="JsonElement"/> of a list its own copy).
/// A <see cref="JsonDocument"/> answer is parsed the same way (its buffers go back to the pool when the caller disposes
/// it, as every reader of one does; one not disposed is left to the GC). Other types are deserialized as Refit does.
/// </summary>
public sealed class SourceJsonContentSerializer(JsonSerializerOptions options) : IHttpContentSerializer
{
    private readonly SystemTextJsonContentSerializer _inner = new(options);

    /// <summary>Refit settings whose content serializer is this one (with the vendor's JSON options).</summary>
    public static RefitSettings Settings(JsonSerializerOptions? options = null) =>
        new(new SourceJsonContentSerializer(options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    public HttpContent ToHttpContent<T>(T item) => _inner.ToHttpContent(item);

    public async Task<T?> FromHttpContentAsync<T>(HttpContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (typeof(T) != typeof(JsonPage) && typeof(T) != typeof(JsonDocument))
        {
            return await _inner.FromHttpContentAsync<T>(content, cancellationToken);
        }
        var stream = await content.ReadAsStreamAsync(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            return typeof(T) == typeof(JsonPage) ? (T)(object)new JsonPage(document) : (T)(object)document;
        }
    }

    public string? GetFieldNameForProperty(PropertyInfo propertyInfo) => _inner.GetFieldNameForProperty(propertyInfo);
}
