using System.Globalization;
using System.Text.Json;
using Platform.Connectors.Backfill;
using Platform.Connectors.GoHighLevel.Api;
using Platform.Connectors.GoHighLevel.Mapping;
using Platform.Connectors.Http;
using Platform.Connectors.Staging;

namespace Platform.Connectors.GoHighLevel.Streams;

/// <summary>
/// Opportunities (deals: open, won, lost, abandoned, with <c>monetaryValue</c>) through <c>GET /opportunities/search</c>,
/// 100 a page, newest first, continued with <c>startAfter</c> + <c>startAfterId</c> (the cursor, <c>ms|id</c>). The
/// endpoint has no updated-since filter, so every sync reads every opportunity; unchanged ones stage nothing (the
/// payload hash matches), and webhooks carry status changes as they happen.
/// </summary>
public sealed class GhlOpportunitiesReader(IGoHighLevelApi api) : ISourceStreamReader
{
    public const string StreamName = "opportunities";

    public string Name => StreamName;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var account = GhlAccount.From(context.WorkspaceId, context.Credentials);
        long? startAfter = null;
        string? startAfterId = null;
        if (cursor is not null)
        {
            var bar = cursor.IndexOf('|', StringComparison.Ordinal);
            startAfter = long.Parse(cursor[..bar], NumberStyles.Integer, CultureInfo.InvariantCulture);
            startAfterId = cursor[(bar + 1)..];
        }
        using var response = await api.SearchOpportunitiesAsync(context.WorkspaceId, account.LocationId, GhlApi.MaxOpportunityLimit,
            startAfter, startAfterId, cancellationToken);
        using var document = response.Content("GoHighLevel", context.WorkspaceId);
        var root = document.RootElement;
        if (!root.TryGetProperty("opportunities", out var opportunities) || opportunities.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("GoHighLevel /opportunities/search answered without an \"opportunities\" array");
        }
        var records = new List<StagedRecordInput>(opportunities.GetArrayLength());
        foreach (var opportunity in opportunities.EnumerateArray())
        {
            records.Add(StagedRecordInput.Of(StreamName, opportunity, GhlMapping.Opportunity(opportunity, account.Currency)));
        }
        string? next = null;
        if (records.Count == GhlApi.MaxOpportunityLimit && root.TryGetProperty("meta", out var meta)
            && meta.TryGetProperty("startAfterId", out var id) && id.ValueKind == JsonValueKind.String
            && meta.TryGetProperty("startAfter", out var after) && after.ValueKind == JsonValueKind.Number)
        {
            next = $"{after.GetInt64().ToString(CultureInfo.InvariantCulture)}|{id.GetString()}";
        }
        return new BackfillPage(records, next);
    }
}
