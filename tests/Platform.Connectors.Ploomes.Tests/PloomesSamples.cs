using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Platform.Connectors.Ploomes.Tests;

/// <summary>The hand-written Ploomes payloads under Fixtures/ and small builders around them.</summary>
internal static class PloomesSamples
{
    public const string BaseAddress = "https://public-api2.ploomes.com/";

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json"));

    public static JsonElement Element(string name) => Parse(Text(name));

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>A fixture with some fields changed (<c>null</c> removes nothing: it writes JSON null).</summary>
    public static string Edit(string name, Action<JsonObject> edit)
    {
        var obj = JsonNode.Parse(Text(name))!.AsObject();
        edit(obj);
        return obj.ToJsonString();
    }

    /// <summary>An OData answer around raw items.</summary>
    public static string Page(IEnumerable<string> items) =>
        $$"""{"@odata.context":"https://public-api2.ploomes.com/$metadata#Deals","value":[{{string.Join(',', items)}}]}""";

    public static string Page(params string[] items) => Page((IEnumerable<string>)items);

    /// <summary>
    /// <paramref name="count"/> minimal deals, one per minute from <paramref name="start"/> (or all at one instant).
    /// </summary>
    public static List<string> Deals(int count, long firstId, DateTimeOffset start, bool sameInstant = false) =>
        Enumerable.Range(0, count).Select(i => new JsonObject
        {
            ["Id"] = firstId + i,
            ["Title"] = $"Negócio {i}",
            ["ContactId"] = 401234567,
            ["StatusId"] = 1,
            ["Amount"] = 100 + i,
            ["CreateDate"] = start.AddDays(-30).ToString("O"),
            ["LastUpdateDate"] = (sameInstant ? start : start.AddMinutes(i)).ToOffset(TimeSpan.FromHours(-3)).ToString("O"),
        }.ToJsonString()).ToList();

    public static IConfigurationSection Credentials(IDictionary<string, string?> values, IDictionary<string, string?>? global = null)
    {
        var all = new Dictionary<string, string?>(global ?? new Dictionary<string, string?>());
        foreach (var (key, value) in values)
        {
            all[$"Connectors:Ploomes:Workspaces:acme:{key}"] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(all).Build().GetSection("Connectors:Ploomes:Workspaces:acme");
    }

    public static IConfiguration Configuration(IDictionary<string, string?>? values = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(values ?? new Dictionary<string, string?>()).Build();

    public static PloomesMappingOptions Options(string? tagName = "Cliente", long? tagId = null, string currency = "BRL") =>
        new() { ClientTagName = tagName, ClientTagId = tagId, DefaultCurrency = currency };

    /// <summary>The Ploomes Refit client over <paramref name="handler"/>, authenticated with workspace acme's User-Key as the connector is.</summary>
    public static IPloomesApi Api(HttpMessageHandler handler, string userKey = "uk-7f3a9c")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:ploomes:Workspaces:acme:UserKey"] = userKey,
        }).Build();
        return Platform.Connectors.Http.SourceApiClient.Create<IPloomesApi>(handler, new Uri(BaseAddress), PloomesApi.Settings,
            new Platform.Connectors.Http.CredentialHeaderHandler(new ConnectorCredentials(configuration, new ConnectorDescriptor("ploomes")),
                "UserKey", "User-Key", PloomesApi.Source));
    }
}
