using System.Text.Json;
using Platform.Connectors.Staging;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.Connectors.Tests;

public sealed class PayloadHashTests
{
    /// <summary>Every object of every vendor sample (nested ones too, as list pages and webhook envelopes hold them).</summary>
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(TestEnvironment.VendorSamples, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(TestEnvironment.VendorSamples, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_record_read_from_a_parsed_answer_has_the_hash_of_its_text(string sample)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.VendorSamples, sample)));
        var objects = 0;
        void Check(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                var input = StagedRecordInput.Of("stream", element, new CanonicalRecord { Source = "s", EntityType = EntityType.Contact, ExternalId = "x", SourceUpdatedAt = DateTimeOffset.UnixEpoch });
                Assert.Equal(element.GetRawText(), input.Payload);
                Assert.Equal(Convert.ToHexString(CanonicalJson.PayloadHash(element.GetRawText())), Convert.ToHexString(input.PayloadHash!));
                objects++;
                foreach (var property in element.EnumerateObject())
                {
                    Check(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Check(item);
                }
            }
        }
        Check(document.RootElement);
        Assert.True(objects > 0 || document.RootElement.ValueKind != JsonValueKind.Object);
    }

    [Fact]
    public void Escapes_and_formatting_hash_alike_from_the_element_and_from_the_text()
    {
        const string page = """{ "data": [ { "id" : "cus_1", "name": "Conce\u00e7\u00e3o D'\u00c1vila", "note": "a\/b \"q\" \t", "n": 1.50e2, "emoji": "\ud83d\ude00" } ] }""";
        using var document = JsonDocument.Parse(page);
        var element = document.RootElement.GetProperty("data")[0];
        Assert.Equal(Convert.ToHexString(CanonicalJson.PayloadHash(element.GetRawText())), Convert.ToHexString(CanonicalJson.PayloadHash(element)));
    }
}
