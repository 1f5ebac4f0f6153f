using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Connectors.Backfill;
using Platform.Connectors.Staging;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Ploomes.Streams;

/// <summary>
/// Where a Ploomes stream continues. Range bounds are fixed when a run starts; <see cref="UpdatedFrom"/> and
/// <see cref="Skip"/> move. Serialised as the runner's opaque cursor.
/// </summary>
/// <param name="Skip">Rows to skip among those matching the filter (the rows already read at <see cref="UpdatedFrom"/>).</param>
/// <param name="UpdatedFrom">Paging position: <c>LastUpdateDate ge</c> this (the last row read so far).</param>
/// <param name="RangeField"><c>LastUpdateDate</c> (incremental) or <c>CreateDate</c> (date range); null for a full read.</param>
/// <param name="RangeFrom">Inclusive lower bound on <see cref="RangeField"/>.</param>
/// <param name="RangeUntil">Exclusive upper bound on <see cref="RangeField"/>.</param>
public sealed record PloomesCursor(
    [property: JsonPropertyName("skip")] int Skip,
    [property: JsonPropertyName("updatedFrom")] DateTimeOffset? UpdatedFrom,
    [property: JsonPropertyName("rangeField")] string? RangeField,
    [property: JsonPropertyName("rangeFrom")] DateTimeOffset? RangeFrom,
    [property: JsonPropertyName("rangeUntil")] DateTimeOffset? RangeUntil)
{
    public const string LastUpdateDate = "LastUpdateDate";
    public const string CreateDate = "CreateDate";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// The first cursor of a run. Incremental runs (a watermark, no upper bound) read what changed since
    /// <see cref="StreamReadContext.Since"/>; date ranges select by creation date, as the SDK defines a range.
    /// </summary>
    public static PloomesCursor Start(StreamReadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Since is null && context.Until is null)
        {
            return new PloomesCursor(0, null, null, null, null);
        }
        var field = context.Mode == SyncMode.Incremental && context.Until is null ? LastUpdateDate : CreateDate;
        return new PloomesCursor(0, null, field, context.Since, context.Until);
    }

    public static PloomesCursor Parse(string cursor)
    {
        try
        {
            return JsonSerializer.Deserialize<PloomesCursor>(cursor, Json) ?? throw new JsonException("null cursor");
        }
        catch (JsonException ex)
        {
            throw new SourceException("internal", $"The Ploomes stream checkpoint '{cursor}' cannot be read ({ex.Message}); start a new sync.", ex);
        }
    }

    public override string ToString() => JsonSerializer.Serialize(this, Json);

    /// <summary>The OData <c>$filter</c> for this position; null when nothing bounds the read.</summary>
    public string? Filter()
    {
        var clauses = new List<string>();
        var updatedFrom = RangeField == LastUpdateDate ? Max(RangeFrom, UpdatedFrom) : UpdatedFrom;
        if (RangeField == CreateDate && RangeFrom is { } createdFrom)
        {
            clauses.Add($"CreateDate ge {Literal(createdFrom)}");
        }
        if (RangeField == CreateDate && RangeUntil is { } createdUntil)
        {
            clauses.Add($"CreateDate lt {Literal(createdUntil)}");
        }
        if (updatedFrom is { } from)
        {
            clauses.Add($"LastUpdateDate ge {Literal(from)}");
        }
        if (RangeField == LastUpdateDate && RangeUntil is { } updatedUntil)
        {
            clauses.Add($"LastUpdateDate lt {Literal(updatedUntil)}");
        }
        return clauses.Count == 0 ? null : string.Join(" and ", clauses);
    }

    /// <summary>An OData DateTimeOffset literal in UTC, to the 100 ns Ploomes' dates carry.</summary>
    public static string Literal(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>
/// The paging every Ploomes stream shares: <c>$top=300&amp;$skip=n&amp;$orderby=LastUpdateDate,Id</c> under the run's
/// filter. After a full page the position moves to the last row's <c>LastUpdateDate</c> (skipping only the rows
/// already read at that instant) instead of growing <c>$skip</c>: a row edited while a long backfill runs moves to
/// the end of the order, and with a plain growing <c>$skip</c> every row behind it would shift one place and one
/// would never be read. It also keeps <c>$skip</c> small on large accounts.
/// </summary>
public static class PloomesPaging
{
    public const int PageSize = ODataQuery.MaxTop;
    public const string OrderBy = "LastUpdateDate,Id";

    /// <summary>Fetches one page with <paramref name="fetch"/>, maps its rows and says where to continue.</summary>
    public static async Task<BackfillPage> ReadPageAsync(
        StreamReadContext context,
        string? cursor,
        string stream,
        string expand,
        Func<string, ODataQuery, CancellationToken, Task<ODataPage>> fetch,
        Func<JsonElement, CanonicalRecord?> map,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(map);
        // The auth handler sends the key; checking it here fails the stream before any call, naming the setting.
        _ = UserKey(context.WorkspaceId, context.Credentials["UserKey"]);
        var position = cursor is null ? PloomesCursor.Start(context) : PloomesCursor.Parse(cursor);

        using var page = await fetch(context.WorkspaceId, new ODataQuery
        {
            Top = PageSize,
            Skip = position.Skip,
            Filter = position.Filter(),
            OrderBy = OrderBy,
            Expand = expand,
        }, cancellationToken);

        var items = page.Items;
        var records = new List<StagedRecordInput>(items.Count);
        foreach (var item in items)
        {
            if (map(item) is { } record)
            {
                records.Add(StagedRecordInput.Of(stream, item, record));
            }
        }
        var next = items.Count < PageSize ? null : Next(position, items).ToString();
        return new BackfillPage(records, next, items.Count);
    }

    /// <summary>The workspace's key, or a failure that says which setting to add.</summary>
    public static string UserKey(string workspaceId, string? userKey) =>
        string.IsNullOrWhiteSpace(userKey)
            ? throw new SourceException("credentials_missing",
                $"Workspace '{workspaceId}' has no Ploomes User-Key: set Connectors:Ploomes:Workspaces:{workspaceId}:UserKey " +
                $"(environment Connectors__Ploomes__Workspaces__{workspaceId}__UserKey) to an integration key from Ploomes.")
            : userKey;

    private static PloomesCursor Next(PloomesCursor position, IReadOnlyList<JsonElement> items)
    {
        // Ploomes renders dates to their full stored precision with their offset, so the last row's date, sent
        // back as a bound, selects exactly the rows at or after it. A date without an offset could be read back
        // by Ploomes in another zone than ours (and re-select the same page forever): those page by $skip only.
        var last = PloomesMapping.DateWithOffset(items[^1], "LastUpdateDate");
        if (last is null || last == position.UpdatedFrom)
        {
            // Still among rows at one instant (or rows without usable dates): plain skip paging.
            return position with { Skip = position.Skip + items.Count };
        }
        var atLast = items.Count(i => PloomesMapping.Date(i, "LastUpdateDate") == last);
        return position with { UpdatedFrom = last, Skip = atLast };
    }
}
