using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Testing;

namespace Platform.Connectors.Hotmart.Tests;

/// <summary>The real Hotmart postbacks in tests/vendor-samples/hotmart (see its README for provenance).</summary>
public static class HotmartSamples
{
    public static string Folder => Path.Combine(TestEnvironment.VendorSamples, "hotmart");

    /// <summary>Every postback body in the folder (not the captured headers).</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").Where(f => !f.EndsWith(".headers.json", StringComparison.Ordinal)).Order())
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }
        return data;
    }

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name + ".json"));

    public static JsonElement Element(string name) => JsonDocument.Parse(Text(name)).RootElement;

    /// <summary>A sample made into a fresh delivery: new event id, new transaction code, created just now.</summary>
    public static string Fresh(string name, string eventId, string? transaction = null, DateTimeOffset? createdAt = null,
        Action<JsonObject>? change = null)
    {
        var body = JsonNode.Parse(Text(name))!.AsObject();
        body["id"] = eventId;
        body["creation_date"] = (createdAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        if (transaction is not null)
        {
            body["data"]!["purchase"]!["transaction"] = transaction;
        }
        change?.Invoke(body);
        return body.ToJsonString();
    }
}
