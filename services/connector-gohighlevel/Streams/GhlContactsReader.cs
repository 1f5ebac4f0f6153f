using System.Globalization;
using System.Text.Json;
using Platform.Connectors.Backfill;
using Platform.Connectors.GoHighLevel.Api;
using Platform.Connectors.GoHighLevel.Mapping;
using Platform.Connectors.Http;
using Platform.Connectors.Staging;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.GoHighLevel.Streams;

/// <summary>
/// Contacts through <c>POST /contacts/search</c>, 500 a page, always continued with <c>searchAfter</c> (standard
/// paging stops at 10,000 records; a location of 217,324 contacts needs the cursor). Full syncs walk every contact
/// oldest first by <c>dateAdded</c>, so contacts added during the sync come at the end instead of being skipped;
/// incremental syncs ask for <c>dateUpdated ≥ since</c> oldest first; date ranges filter <c>dateAdded</c>. The cursor
/// is the last contact's <c>searchAfter</c>, checkpointed with every page. While the runner stages a page the next
/// one is already being fetched, so the location's request budget, not the database, sets the pace.
/// </summary>
public sealed class GhlContactsReader(IGoHighLevelApi api, GhlFieldNames fieldNames) : ISourceStreamReader
{
    public const string StreamName = "contacts";

    private (string Cursor, Task<JsonDocument> Fetch)? _prefetch;

    public string Name => StreamName;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var account = GhlAccount.From(context.WorkspaceId, context.Credentials);
        var names = await fieldNames.GetAsync(api, context.WorkspaceId, account, cancellationToken);
        var fetch = _prefetch is { } prefetched && prefetched.Cursor == cursor ? prefetched.Fetch : FetchAsync(context, account, cursor, cancellationToken);
        _prefetch = null;
        using var document = await fetch;
        if (!document.RootElement.TryGetProperty("contacts", out var contacts) || contacts.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("GoHighLevel /contacts/search answered without a \"contacts\" array");
        }
        var records = new List<StagedRecordInput>(contacts.GetArrayLength());
        string? next = null;
        foreach (var contact in contacts.EnumerateArray())
        {
            records.Add(StagedRecordInput.Of(StreamName, contact, GhlMapping.Contact(contact, names)));
            next = contact.TryGetProperty("searchAfter", out var after) && after.ValueKind == JsonValueKind.Array ? after.GetRawText() : null;
        }
        if (records.Count < GhlApi.MaxPageLimit)
        {
            next = null;
        }
        else if (next is null)
        {
            throw new JsonException("GoHighLevel returned a full contacts page whose last contact has no searchAfter cursor");
        }
        if (next is not null)
        {
            _prefetch = (next, FetchAsync(context, account, next, cancellationToken));
        }
        return new BackfillPage(records, next);
    }

    private async Task<JsonDocument> FetchAsync(StreamReadContext context, GhlAccount account, string? cursor, CancellationToken cancellationToken)
    {
        var response = await api.SearchContactsAsync(context.WorkspaceId, Search(context, account, cursor), cancellationToken);
        try
        {
            return response.Content("GoHighLevel", context.WorkspaceId);
        }
        finally
        {
            response.Dispose();
        }
    }

    /// <summary>The search body for a page: the stream's filter and order, and the cursor.</summary>
    public static ContactSearch Search(StreamReadContext context, GhlAccount account, string? cursor)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(account);
        var byUpdate = context.Mode == SyncMode.Incremental && context.Until is null;
        var field = byUpdate ? "dateUpdated" : "dateAdded";
        List<SearchFilter> filters = context.Since is null && context.Until is null
            ? []
            : [new SearchFilter(field, "range", new DateRange(Iso(context.Since), Iso(context.Until?.AddMilliseconds(-1))))];
        IReadOnlyList<JsonElement>? after = null;
        if (cursor is not null)
        {
            using var parsed = JsonDocument.Parse(cursor);
            after = [.. parsed.RootElement.EnumerateArray().Select(e => e.Clone())];
        }
        return new ContactSearch
        {
            LocationId = account.LocationId,
            PageLimit = GhlApi.MaxPageLimit,
            SearchAfter = after,
            Filters = filters,
            Sort = [new SearchSort(field, "asc")],
        };
    }

    private static string? Iso(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
