using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;

namespace Platform.Connectors.Ploomes.Domain;

/// <summary>An OData v4 answer: <c>{"@odata.context":…,"value":[…]}</c>. Items stay raw JSON (their shapes vary by account).</summary>
public sealed record ODataPage([property: JsonPropertyName("value")] IReadOnlyList<JsonElement>? Value)
{
    public IReadOnlyList<JsonElement> Items => Value ?? [];
}

/// <summary>
/// OData query options. Refit would bind it with <c>[Query] ODataQuery</c> and <c>[AliasAs("$top")]</c> on each property.
/// </summary>
public sealed record ODataQuery
{
    /// <summary>Ploomes' largest page.</summary>
    public const int MaxTop = 300;

    private readonly int? _top;

    public int? Top
    {
        get => _top;
        init => _top = value is null or (> 0 and <= MaxTop) ? value
            : throw new ArgumentOutOfRangeException(nameof(Top), value, $"Ploomes pages hold 1 to {MaxTop} rows.");
    }

    public int? Skip { get; init; }
    public string? Filter { get; init; }
    public string? OrderBy { get; init; }
    public string? Expand { get; init; }

    /// <summary>The query string (without <c>?</c>), values percent-encoded.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>(5);
        Add(parts, "$top", Top?.ToString(CultureInfo.InvariantCulture));
        Add(parts, "$skip", Skip?.ToString(CultureInfo.InvariantCulture));
        Add(parts, "$filter", Filter);
        Add(parts, "$orderby", OrderBy);
        Add(parts, "$expand", Expand);
        return string.Join('&', parts);
    }

    private static void Add(List<string> parts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}

/// <summary>
/// The Ploomes API calls the connector makes (Refit-shaped: one method per endpoint). Every call carries the
/// workspace (Refit: <c>[Property("platform.workspace")]</c>, the rate-limit bucket) and the workspace's key
/// (Refit: <c>[Header("User-Key")]</c>).
/// </summary>
public interface IPloomesApi
{
    /// <summary><c>GET /Contacts?$top=&amp;$skip=&amp;$filter=&amp;$orderby=&amp;$expand=</c>.</summary>
    Task<ODataPage> GetContactsAsync(string workspaceId, string userKey, ODataQuery query, CancellationToken cancellationToken);

    /// <summary><c>GET /Deals?$top=&amp;$skip=&amp;$filter=&amp;$orderby=&amp;$expand=</c>.</summary>
    Task<ODataPage> GetDealsAsync(string workspaceId, string userKey, ODataQuery query, CancellationToken cancellationToken);

    /// <summary><c>GET /Contacts?$filter=Id eq {id}&amp;$expand=</c><see cref="PloomesApi.ContactExpand"/>: empty when the contact is gone.</summary>
    Task<ODataPage> GetContactByIdAsync(string workspaceId, string userKey, long id, CancellationToken cancellationToken);

    /// <summary><c>GET /Deals?$filter=Id eq {id}&amp;$expand=</c><see cref="PloomesApi.DealExpand"/>: empty when the deal is gone.</summary>
    Task<ODataPage> GetDealByIdAsync(string workspaceId, string userKey, long id, CancellationToken cancellationToken);
}

public sealed class PloomesApi(HttpClient http) : IPloomesApi
{
    public const string Source = "Ploomes";

    /// <summary>
    /// What a contact is read with, in list pages and by id alike (the same JSON either way, so a webhook and a
    /// backfill of one version stage one row): phones, tags with their names, custom fields.
    /// </summary>
    public const string ContactExpand = "Phones,Tags($expand=Tag),OtherProperties";

    /// <summary>What a deal is read with: its tags and custom fields, and its contact with phones and tags (the person it links to).</summary>
    public const string DealExpand = "Tags($expand=Tag),OtherProperties,Contact($expand=Phones,Tags($expand=Tag))";

    public Task<ODataPage> GetContactsAsync(string workspaceId, string userKey, ODataQuery query, CancellationToken cancellationToken) =>
        GetAsync(workspaceId, userKey, "Contacts", query, notFoundIsEmpty: false, cancellationToken);

    public Task<ODataPage> GetDealsAsync(string workspaceId, string userKey, ODataQuery query, CancellationToken cancellationToken) =>
        GetAsync(workspaceId, userKey, "Deals", query, notFoundIsEmpty: false, cancellationToken);

    public Task<ODataPage> GetContactByIdAsync(string workspaceId, string userKey, long id, CancellationToken cancellationToken) =>
        GetAsync(workspaceId, userKey, "Contacts", ById(id, ContactExpand), notFoundIsEmpty: true, cancellationToken);

    public Task<ODataPage> GetDealByIdAsync(string workspaceId, string userKey, long id, CancellationToken cancellationToken) =>
        GetAsync(workspaceId, userKey, "Deals", ById(id, DealExpand), notFoundIsEmpty: true, cancellationToken);

    private static ODataQuery ById(long id, string expand) =>
        new() { Filter = $"Id eq {id.ToString(CultureInfo.InvariantCulture)}", Expand = expand };

    private async Task<ODataPage> GetAsync(string workspaceId, string userKey, string resource, ODataQuery query, bool notFoundIsEmpty,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        var path = new StringBuilder(resource);
        var queryString = query.ToQueryString();
        if (queryString.Length > 0)
        {
            path.Append('?').Append(queryString);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, path.ToString()).ForWorkspace(workspaceId);
        request.Headers.TryAddWithoutValidation("User-Key", userKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (notFoundIsEmpty && response.StatusCode == HttpStatusCode.NotFound)
        {
            return new ODataPage([]);
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The SDK's generic 401 text does not say which setting to change; for Ploomes it is always the User-Key.
            throw new SourceException("credentials_invalid",
                $"Ploomes rejected the User-Key of workspace '{workspaceId}' (401 on GET /{resource}): the integration key is wrong, " +
                $"was regenerated or its user was deactivated. Create a new integration key in Ploomes and set it as " +
                $"Connectors:Ploomes:Workspaces:{workspaceId}:UserKey (environment Connectors__Ploomes__Workspaces__{workspaceId}__UserKey), " +
                "then run the sync again.");
        }
        await response.EnsureSuccessAsync(Source, workspaceId, cancellationToken);
        ODataPage? page;
        try
        {
            page = await response.Content.ReadFromJsonAsync<ODataPage>(cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new SourceException("bad_response", $"Ploomes answered GET /{resource} with a body that is not OData JSON: {ex.Message}", ex);
        }
        if (page?.Value is null)
        {
            throw new SourceException("bad_response", $"Ploomes answered GET /{resource} without a \"value\" array.");
        }
        return page;
    }
}
