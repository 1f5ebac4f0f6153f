using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;

namespace Platform.Connectors.Hotmart.Domain;

/// <summary>
/// The Hotmart endpoints the connector uses, one method per endpoint (shaped so that a Refit interface could replace
/// it one-for-one; the bearer token is the implementation's business, as an auth handler's would be under Refit).
/// </summary>
public interface IHotmartApi
{
    /// <summary><c>POST {AuthAddress}security/oauth/token?grant_type=client_credentials&amp;client_id=…&amp;client_secret=…</c> with Basic auth.</summary>
    Task<HotmartToken> RequestTokenAsync(HotmartAccount account, CancellationToken cancellationToken);

    /// <summary><c>GET payments/api/v1/sales/history</c>; items are kept as JSON so their raw text can be staged untouched.</summary>
    Task<HotmartPage<JsonElement>> GetSalesHistoryAsync(HotmartAccount account, SalesQuery query, CancellationToken cancellationToken);

    /// <summary><c>GET payments/api/v1/sales/users</c>: the participants of each sale (buyer phone, documents, address).</summary>
    Task<HotmartPage<SaleParticipants>> GetSalesUsersAsync(HotmartAccount account, SalesQuery query, CancellationToken cancellationToken);
}

/// <summary>A workspace's Hotmart API credentials (<c>Connectors:Hotmart:Workspaces:{workspace}:ClientId</c>, <c>ClientSecret</c>).</summary>
public sealed record HotmartAccount(string WorkspaceId, string ClientId, string ClientSecret)
{
    /// <summary>Reads the workspace's credentials, or says exactly which settings are missing.</summary>
    public static HotmartAccount From(string workspaceId, Microsoft.Extensions.Configuration.IConfigurationSection credentials)
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

/// <summary>Answer of the token endpoint.</summary>
public sealed record HotmartToken(string AccessToken, string? TokenType, long ExpiresIn)
{
    public override string ToString() => $"HotmartToken {{ TokenType = {TokenType}, ExpiresIn = {ExpiresIn} }}";
}

/// <summary>Filters shared by <c>sales/history</c> and <c>sales/users</c> (dates are sent as Unix epoch milliseconds).</summary>
public sealed record SalesQuery
{
    public int? MaxResults { get; init; }
    public string? PageToken { get; init; }
    public DateTimeOffset? StartDate { get; init; }
    public DateTimeOffset? EndDate { get; init; }
    public string? TransactionStatus { get; init; }
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

/// <summary>
/// Typed HttpClient for the Hotmart API behind the SDK's rate limit and resilience pipeline. Tokens are cached per
/// workspace (<see cref="HotmartTokenCache"/>); a 401 on an API call renews the token once before giving up.
/// </summary>
public sealed class HotmartApi(HttpClient http, HotmartTokenCache tokens, IOptions<HotmartOptions> options) : IHotmartApi
{
    /// <summary>How the source is named in messages people read.</summary>
    public const string SourceName = "Hotmart";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new LenientStringConverter() },
    };

    public async Task<HotmartToken> RequestTokenAsync(HotmartAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var uri = new Uri(options.Value.AuthAddress, "security/oauth/token?grant_type=client_credentials"
            + "&client_id=" + Uri.EscapeDataString(account.ClientId)
            + "&client_secret=" + Uri.EscapeDataString(account.ClientSecret));
        using var request = new HttpRequestMessage(HttpMethod.Post, uri).ForWorkspace(account.WorkspaceId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.ClientId}:{account.ClientSecret}")));
        request.Content = new FormUrlEncodedContent([]);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new SourceException("credentials_invalid",
                $"Hotmart refused the client id and secret of workspace '{account.WorkspaceId}' ({(int)response.StatusCode} on the token endpoint " +
                $"{uri.Host}{uri.AbsolutePath}): the Client ID or Client Secret is wrong, or the credential was deleted or revoked in Hotmart. " +
                $"Copy both from Hotmart → Tools → Developer Tools → Credentials into Connectors:Hotmart:Workspaces:{account.WorkspaceId}:ClientId " +
                $"and :ClientSecret, then run the sync again. {Truncate(body)}");
        }
        await response.EnsureSuccessAsync(SourceName, account.WorkspaceId, cancellationToken);
        var token = await ReadAsync<HotmartToken>(response, cancellationToken);
        if (string.IsNullOrEmpty(token?.AccessToken))
        {
            throw new SourceException("bad_response", $"Hotmart's token endpoint answered {(int)response.StatusCode} without an access_token.");
        }
        return token;
    }

    public async Task<HotmartPage<JsonElement>> GetSalesHistoryAsync(HotmartAccount account, SalesQuery query, CancellationToken cancellationToken)
    {
        using var response = await SendAuthorizedAsync(account, "payments/api/v1/sales/history" + QueryString(query), cancellationToken);
        return await ReadAsync<HotmartPage<JsonElement>>(response, cancellationToken) ?? new HotmartPage<JsonElement>();
    }

    public async Task<HotmartPage<SaleParticipants>> GetSalesUsersAsync(HotmartAccount account, SalesQuery query, CancellationToken cancellationToken)
    {
        using var response = await SendAuthorizedAsync(account, "payments/api/v1/sales/users" + QueryString(query), cancellationToken);
        return await ReadAsync<HotmartPage<SaleParticipants>>(response, cancellationToken) ?? new HotmartPage<SaleParticipants>();
    }

    /// <summary>GET with the workspace's bearer token; a 401 (expired or revoked token) renews the token and retries once.</summary>
    private async Task<HttpResponseMessage> SendAuthorizedAsync(HotmartAccount account, string relativeUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var token = await tokens.GetAsync(account, RequestTokenAsync, cancellationToken);
        var response = await GetAsync(account, relativeUri, token, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            tokens.Invalidate(account, token);
            token = await tokens.GetAsync(account, RequestTokenAsync, cancellationToken);
            response = await GetAsync(account, relativeUri, token, cancellationToken);
        }
        try
        {
            await response.EnsureSuccessAsync(SourceName, account.WorkspaceId, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<HttpResponseMessage> GetAsync(HotmartAccount account, string relativeUri, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(relativeUri, UriKind.Relative)).ForWorkspace(account.WorkspaceId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await http.SendAsync(request, cancellationToken);
    }

    private static string QueryString(SalesQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("max_results", query.MaxResults?.ToString(CultureInfo.InvariantCulture));
        Add("page_token", query.PageToken);
        Add("start_date", query.StartDate?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("end_date", query.EndDate?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("transaction_status", query.TransactionStatus);
        Add("transaction", query.Transaction);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>Reads a JSON answer; Hotmart sometimes answers 200 with an empty body, which reads as null.</summary>
    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) where T : class
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException ex)
        {
            throw new SourceException("bad_response",
                $"Hotmart answered {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} with JSON that cannot be read: {ex.Message}", ex);
        }
    }

    private static string Truncate(string body) => body.Length > 200 ? body[..200] : body;

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
