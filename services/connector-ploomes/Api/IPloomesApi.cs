using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Connectors.Http;
using Refit;

namespace Platform.Connectors.Ploomes.Api;

/// <summary>
/// The Ploomes API calls the connector makes. The workspace's <c>User-Key</c>, the rate limit and retries are message
/// handlers (<see cref="Hosting.PloomesRegistration"/>); read answers with <c>ContentOrThrowAsync(PloomesApi.Errors, workspace)</c>.
/// </summary>
public interface IPloomesApi
{
    /// <summary><c>GET /Contacts?$top=&amp;$skip=&amp;$filter=&amp;$orderby=&amp;$expand=</c>.</summary>
    [Get("/Contacts")]
    Task<IApiResponse<JsonPage>> GetContactsAsync([Property(SourceRequest.WorkspaceKey)] string workspaceId, [Query] ODataQuery query,
        CancellationToken cancellationToken);

    /// <summary><c>GET /Deals?$top=&amp;$skip=&amp;$filter=&amp;$orderby=&amp;$expand=</c>.</summary>
    [Get("/Deals")]
    Task<IApiResponse<JsonPage>> GetDealsAsync([Property(SourceRequest.WorkspaceKey)] string workspaceId, [Query] ODataQuery query,
        CancellationToken cancellationToken);
}

/// <summary>
/// An OData v4 answer: <c>{"@odata.context":…,"value":[…]}</c>. Items stay raw JSON (their shapes vary by account),
/// read in place from the answer (<see cref="JsonPage"/>): use them, and stage what they map to, before disposing the page.
/// </summary>
public sealed class ODataPage : IDisposable
{
    private readonly JsonPage? _answer;

    private ODataPage(JsonPage? answer, IReadOnlyList<JsonElement> items)
    {
        _answer = answer;
        Items = items;
    }

    /// <summary>No rows (a record gone at the source).</summary>
    public static ODataPage Empty { get; } = new(null, []);

    public IReadOnlyList<JsonElement> Items { get; }

    /// <summary>The answer's <c>value</c> array, or null when it has none.</summary>
    internal static ODataPage? Of(JsonPage? answer) =>
        answer is { Root.ValueKind: JsonValueKind.Object } && answer.Root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array
            ? new ODataPage(answer, [.. value.EnumerateArray()])
            : null;

    public void Dispose() => _answer?.Dispose();
}

/// <summary>OData query options, sent as <c>$top</c>, <c>$skip</c>, <c>$filter</c>, <c>$orderby</c>, <c>$expand</c>.</summary>
public sealed record ODataQuery
{
    /// <summary>Ploomes' largest page.</summary>
    public const int MaxTop = 300;

    private readonly int? _top;

    [AliasAs("$top")]
    public int? Top
    {
        get => _top;
        init => _top = value is null or (> 0 and <= MaxTop) ? value
            : throw new ArgumentOutOfRangeException(nameof(Top), value, $"Ploomes pages hold 1 to {MaxTop} rows.");
    }

    [AliasAs("$skip")]
    public int? Skip { get; init; }

    [AliasAs("$filter")]
    public string? Filter { get; init; }

    [AliasAs("$orderby")]
    public string? OrderBy { get; init; }

    [AliasAs("$expand")]
    public string? Expand { get; init; }
}

/// <summary>How Ploomes failures read, what contacts and deals are read with, and reads by id.</summary>
public static class PloomesApi
{
    public const string Source = "Ploomes";

    /// <summary>
    /// What a contact is read with, in list pages and by id alike (the same JSON either way, so a webhook and a
    /// backfill of one version stage one row): phones, tags with their names, custom fields.
    /// </summary>
    public const string ContactExpand = "Phones,Tags($expand=Tag),OtherProperties";

    /// <summary>What a deal is read with: its tags and custom fields, and its contact with phones and tags (the person it links to).</summary>
    public const string DealExpand = "Tags($expand=Tag),OtherProperties,Contact($expand=Phones,Tags($expand=Tag))";

    /// <summary>The SDK's error mapping, with what to do about a refused User-Key.</summary>
    public static readonly SourceApiErrors Errors = new(Source, workspace =>
        $"The User-Key (integration key) is wrong, was regenerated or its user was deactivated: create a new integration key in Ploomes and set it as " +
        $"Connectors:Ploomes:Workspaces:{workspace}:UserKey (environment Connectors__Ploomes__Workspaces__{workspace}__UserKey), then run the sync again.");

    /// <summary>Refit settings of the client (pages read in place as <see cref="JsonPage"/>).</summary>
    public static RefitSettings Settings { get; } = SourceJsonContentSerializer.Settings();

    /// <summary>One page of <c>/Contacts</c>, or the source error.</summary>
    public static async Task<ODataPage> ContactsAsync(this IPloomesApi api, string workspaceId, ODataQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        return Required(await api.GetContactsAsync(workspaceId, query, cancellationToken).ContentOrThrowAsync(Errors, workspaceId), "Contacts");
    }

    /// <summary>One page of <c>/Deals</c>, or the source error.</summary>
    public static async Task<ODataPage> DealsAsync(this IPloomesApi api, string workspaceId, ODataQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        return Required(await api.GetDealsAsync(workspaceId, query, cancellationToken).ContentOrThrowAsync(Errors, workspaceId), "Deals");
    }

    /// <summary><c>GET /Contacts?$filter=Id eq {id}&amp;$expand=</c><see cref="ContactExpand"/>: empty when the contact is gone.</summary>
    public static Task<ODataPage> GetContactByIdAsync(this IPloomesApi api, string workspaceId, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        return ByIdAsync(api.GetContactsAsync(workspaceId, ById(id, ContactExpand), cancellationToken), workspaceId, "Contacts");
    }

    /// <summary><c>GET /Deals?$filter=Id eq {id}&amp;$expand=</c><see cref="DealExpand"/>: empty when the deal is gone.</summary>
    public static Task<ODataPage> GetDealByIdAsync(this IPloomesApi api, string workspaceId, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        return ByIdAsync(api.GetDealsAsync(workspaceId, ById(id, DealExpand), cancellationToken), workspaceId, "Deals");
    }

    private static async Task<ODataPage> ByIdAsync(Task<IApiResponse<JsonPage>> call, string workspaceId, string resource)
    {
        var response = await call;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Content?.Dispose();
            response.Dispose();
            return ODataPage.Empty;
        }
        return Required(await Task.FromResult(response).ContentOrThrowAsync(Errors, workspaceId), resource);
    }

    private static ODataPage Required(JsonPage? answer, string resource)
    {
        if (ODataPage.Of(answer) is { } page)
        {
            return page;
        }
        answer?.Dispose();
        throw new Backfill.SourceException("bad_response", $"Ploomes answered GET /{resource} without a \"value\" array.");
    }

    private static ODataQuery ById(long id, string expand) =>
        new() { Filter = $"Id eq {id.ToString(CultureInfo.InvariantCulture)}", Expand = expand };
}
