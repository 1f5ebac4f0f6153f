using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Connectors.Http;

namespace Platform.Connectors.Tests;

public sealed class SourceJsonContentSerializerTests
{
    private static readonly SourceJsonContentSerializer Serializer = new(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static StreamContent Content(string json)
    {
        // A stream, as an answer off the socket is (not a buffer the serializer could read some other way).
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed record Typed(string Name, int Count);

    [Fact]
    public async Task A_page_answer_is_parsed_in_place_and_its_objects_keep_their_exact_text()
    {
        const string Json = """{"data":[ {"id" : "a", "name":"S\u00e3o"}, {"id":"b"} ],"has_more":true}""";
        using var page = await Serializer.FromHttpContentAsync<JsonPage>(Content(Json));
        var data = page!.Root.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("""{"id" : "a", "name":"S\u00e3o"}""", data[0].GetRawText());
        Assert.True(page.Root.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task A_document_answer_is_parsed_the_same_way_and_other_types_are_deserialized_as_refit_does()
    {
        using (var document = await Serializer.FromHttpContentAsync<JsonDocument>(Content("""{"contacts":[{"id":"c1"}]}""")))
        {
            Assert.Equal("c1", document!.RootElement.GetProperty("contacts")[0].GetProperty("id").GetString());
        }
        Assert.Equal(new Typed("x", 3), await Serializer.FromHttpContentAsync<Typed>(Content("""{"name":"x","count":3}""")));
    }

    [Fact]
    public async Task An_answer_that_is_not_json_fails_as_json_does_and_says_where()
    {
        var error = await Assert.ThrowsAnyAsync<JsonException>(() => Serializer.FromHttpContentAsync<JsonPage>(Content("""{"data":[{"id":"a"},""")));
        Assert.NotNull(error.BytePositionInLine);
    }
}
