using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using Refit;

namespace Platform.Connectors.Hotmart.Api;

/// <summary>
/// The Hotmart sales endpoints the connector reads. The OAuth token (client credentials, the SDK's
/// <see cref="OAuthHandler"/>), the rate limit and retries are message handlers (<see cref="Hosting.HotmartRegistration"/>);
/// read answers with <c>ContentOrThrowAsync(HotmartApi.Errors, workspace)</c>.
/// </summary>
public interface IHotmartApi
{
    /// <summary>
    /// <c>GET payments/api/v1/sales/history</c>, read in place (<see cref="JsonPage"/>, items as the raw JSON to stage
    /// untouched): <see cref="HotmartApi.SalesPage"/> gives its items and page info.
    /// </summary>
    [Get("/payments/api/v1/sales/history")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonPage>> GetSalesHistoryAsync([Property(SourceRequest.WorkspaceKey)] string workspaceId,
        [Query] SalesQuery query, CancellationToken cancellationToken);

    /// <summary><c>GET payments/api/v1/sales/users</c>: the participants of each sale (buyer phone, documents, address).</summary>
    [Get("/payments/api/v1/sales/users")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<HotmartPage<SaleParticipants>>> GetSalesUsersAsync([Property(SourceRequest.WorkspaceKey)] string workspaceId,
        [Query] SalesQuery query, CancellationToken cancellationToken);
}

/// <summary>Filters shared by <c>sales/history</c> and <c>sales/users</c> (dates are sent as Unix epoch milliseconds).</summary>
public sealed record SalesQuery
{
    [AliasAs("max_results")]
    public int? MaxResults { get; init; }

    [AliasAs("page_token")]
    public string? PageToken { get; init; }

    [AliasAs("start_date")]
    public DateTimeOffset? StartDate { get; init; }

    [AliasAs("end_date")]
    public DateTimeOffset? EndDate { get; init; }

    [AliasAs("transaction_status")]
    public string? TransactionStatus { get; init; }

    [AliasAs("transaction")]
    public string? Transaction { get; init; }
}

/// <summary>One page of a Hotmart list endpoint.</summary>
public sealed record HotmartPage<T>
{
    public IReadOnlyList<T> Items { get; init; } = [];
    public HotmartPageInfo? PageInfo { get; init; }
}

public sealed record HotmartPageInfo(int? TotalResults, string? NextPageToken, string? PrevPageToken, int? ResultsPerPage);

/// <summary>One sale's participants (<c>sales/users</c> item).</summary>
public sealed record SaleParticipants(string? Transaction, IReadOnlyList<SaleParticipant>? Users)
{
    /// <summary>The participant with role BUYER, if any.</summary>
    public HotmartUser? Buyer => Users?.FirstOrDefault(u => string.Equals(u.Role, "BUYER", StringComparison.OrdinalIgnoreCase))?.User;
}

public sealed record SaleParticipant(string? Role, HotmartUser? User);

public sealed record HotmartUser(
    string? Ucode,
    string? Name,
    string? Email,
    string? Cellphone,
    string? Phone,
    IReadOnlyList<HotmartUserDocument>? Documents,
    HotmartUserAddress? Address);

public sealed record HotmartUserDocument(string? Value, string? Type);

public sealed record HotmartUserAddress(string? City, string? State, string? Country, string? CountryIso, string? ZipCode);

/// <summary>A workspace's Hotmart API credentials (<c>Connectors:Hotmart:Workspaces:{workspace}:ClientId</c>, <c>ClientSecret</c>).</summary>
public sealed record HotmartAccount(string WorkspaceId, string ClientId, string ClientSecret)
{
    /// <summary>Reads the workspace's credentials, or says exactly which settings are missing.</summary>
    public static HotmartAccount From(string workspaceId, IConfigurationSection credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var clientId = credentials["ClientId"];
        var clientSecret = credentials["ClientSecret"];
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(clientSecret))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{workspaceId}' has no Hotmart API credentials: set Connectors:Hotmart:Workspaces:{workspaceId}:ClientId and " +
                $":ClientSecret (Hotmart → Tools → Developer Tools → Credentials) and run the sync again.");
        }
        return new HotmartAccount(workspaceId, clientId, clientSecret);
    }

    /// <summary>Never prints the client id or secret (records print every property by default).</summary>
    public override string ToString() => $"HotmartAccount {{ WorkspaceId = {WorkspaceId} }}";
}

/// <summary>Hotmart's wire conventions: snake_case JSON, lenient strings, dates in epoch milliseconds, what a refused credential means.</summary>
public static class HotmartApi
{
    /// <summary>How the source is named in messages people read.</summary>
    public const string SourceName = "Hotmart";

    /// <summary>What to do when Hotmart refuses the client id and secret.</summary>
    public static string InvalidClientHint(string workspaceId) =>
        "The Client ID or Client Secret is wrong, or the credential was deleted or revoked in Hotmart. " +
        $"Copy both from Hotmart → Tools → Developer Tools → Credentials into Connectors:Hotmart:Workspaces:{workspaceId}:ClientId " +
        "and :ClientSecret, then run the sync again.";

    public static readonly SourceApiErrors Errors = new(SourceName, InvalidClientHint);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new LenientStringConverter() },
    };

    public static RefitSettings Settings { get; } = new(new SourceJsonContentSerializer(Json), new EpochMillisecondsFormatter());

    /// <summary>
    /// A <c>sales/history</c> answer as a page: its items point into <paramref name="answer"/> (use them before disposing
    /// it), its page info is read out. No answer (an empty 200) is an empty page.
    /// </summary>
    public static HotmartPage<JsonElement> SalesPage(JsonPage? answer)
    {
        if (answer is null)
        {
            return new HotmartPage<JsonElement>();
        }
        var root = answer.RootObject("Hotmart", "sales/history");
        var items = JsonPage.Items(root, "items");
        var info = root.TryGetProperty("page_info", out var pageInfo) && pageInfo.ValueKind == JsonValueKind.Object
            ? pageInfo.Deserialize<HotmartPageInfo>(Json)
            : null;
        return new HotmartPage<JsonElement> { Items = items, PageInfo = info };
    }

    /// <summary>Dates in the query as Unix epoch milliseconds, as Hotmart wants them.</summary>
    private sealed class EpochMillisecondsFormatter : DefaultUrlParameterFormatter
    {
        public override string? Format(object? value, ICustomAttributeProvider attributeProvider, Type type) => value is DateTimeOffset date
            ? date.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)
            : base.Format(value, attributeProvider, type);
    }

    /// <summary>Hotmart sends some ids and phone numbers as numbers in one place and strings in another.</summary>
    private sealed class LenientStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"Expected a string, got {reader.TokenType}."),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
