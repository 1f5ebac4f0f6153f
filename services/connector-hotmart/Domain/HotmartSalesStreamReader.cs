using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Platform.Connectors.Backfill;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Hotmart.Domain;

/// <summary>
/// The <c>sales</c> stream: <c>sales/history</c> read window by window (<see cref="HotmartOptions.WindowDays"/>,
/// because broad date ranges time out at Hotmart), and within each window status by status (without a status filter
/// the API returns only APPROVED and COMPLETE), page by page. Each page's buyers are completed from
/// <c>sales/users</c> (phone, CPF/CNPJ), which takes the same filters: one call usually covers the whole page, and
/// only sales it missed are asked for one by one.
/// </summary>
public sealed class HotmartSalesStreamReader(IHotmartApi api, IOptions<HotmartOptions> options, TimeProvider clock) : ISourceStreamReader
{
    /// <summary>Every <c>transaction_status</c> of the sales API (UNDER_ANALISYS is Hotmart's spelling), read in this order.</summary>
    public static readonly IReadOnlyList<string> Statuses =
    [
        "APPROVED", "BLOCKED", "CANCELLED", "CHARGEBACK", "COMPLETE", "EXPIRED", "NO_FUNDS", "OVERDUE", "PARTIALLY_REFUNDED",
        "PRE_ORDER", "PRINTED_BILLET", "PROCESSING_TRANSACTION", "PROTESTED", "REFUNDED", "STARTED", "UNDER_ANALISYS", "WAITING_PAYMENT",
    ];

    public string Name => HotmartMapping.SalesStream;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var account = HotmartAccount.From(context.WorkspaceId, context.Credentials);
        var settings = options.Value;
        var position = cursor is null ? SalesCursor.First(context, settings, clock.GetUtcNow()) : SalesCursor.Parse(cursor);
        if (position is null)
        {
            return new BackfillPage([], null);
        }

        var query = new SalesQuery
        {
            MaxResults = settings.PageSize,
            PageToken = position.PageToken,
            StartDate = DateTimeOffset.FromUnixTimeMilliseconds(position.WindowStart),
            // Windows are [start, end); Hotmart's end_date is inclusive.
            EndDate = DateTimeOffset.FromUnixTimeMilliseconds(position.WindowEnd - 1),
            TransactionStatus = position.Status,
        };
        var page = await api.GetSalesHistoryAsync(account, query, cancellationToken);
        var buyers = await BuyersAsync(account, query, page.Items, cancellationToken);
        var readAt = clock.GetUtcNow();

        var records = new List<StagedRecordInput>(page.Items.Count);
        foreach (var item in page.Items)
        {
            var transaction = TransactionOf(item);
            var record = HotmartMapping.MapSale(item, transaction is null ? null : buyers.GetValueOrDefault(transaction), readAt);
            if (record is not null)
            {
                records.Add(new StagedRecordInput(Name, item.GetRawText(), record));
            }
        }
        var next = position.Next(page.PageInfo?.NextPageToken, Math.Max(1, settings.WindowDays));
        return new BackfillPage(records, next?.ToString(), page.Items.Count);
    }

    /// <summary>The BUYER participant of each sale on the page, by transaction code.</summary>
    private async Task<Dictionary<string, HotmartUser>> BuyersAsync(HotmartAccount account, SalesQuery query,
        IReadOnlyList<JsonElement> items, CancellationToken cancellationToken)
    {
        var wanted = items.Select(TransactionOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var buyers = new Dictionary<string, HotmartUser>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return buyers;
        }
        void Collect(HotmartPage<SaleParticipants> participants)
        {
            foreach (var sale in participants.Items)
            {
                if (sale.Transaction is { } transaction && wanted.Contains(transaction) && sale.Buyer is { } buyer)
                {
                    buyers[transaction] = buyer;
                }
            }
        }

        try
        {
            Collect(await api.GetSalesUsersAsync(account, query, cancellationToken));
        }
        catch (SourceException ex) when (ex.ErrorCode == "bad_response")
        {
            // sales/users refused the history page's filters or page token: ask per sale below instead.
        }
        foreach (var transaction in wanted.Where(t => !buyers.ContainsKey(t)).ToList())
        {
            Collect(await api.GetSalesUsersAsync(account, new SalesQuery { Transaction = transaction }, cancellationToken));
        }
        return buyers;
    }

    private static string? TransactionOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("purchase", out var purchase) && purchase.ValueKind == JsonValueKind.Object
            && purchase.TryGetProperty("transaction", out var transaction) && transaction.ValueKind == JsonValueKind.String
            ? transaction.GetString()
            : null;
}

/// <summary>
/// Where the sales stream stands, stored by the runner as opaque JSON: the current window [start, end) and the end of
/// the whole range in epoch milliseconds (fixed when the run starts, so a resumed run reads the same windows), the
/// status being read (by name, so a changed status list cannot shift it) and Hotmart's page token.
/// </summary>
internal sealed record SalesCursor(
    [property: JsonPropertyName("window_start")] long WindowStart,
    [property: JsonPropertyName("window_end")] long WindowEnd,
    [property: JsonPropertyName("until")] long Until,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("page_token")] string? PageToken)
{
    /// <summary>The first position of a run, or null when its range is empty.</summary>
    public static SalesCursor? First(StreamReadContext context, HotmartOptions settings, DateTimeOffset now)
    {
        var start = (context.Since ?? settings.EarliestDate).ToUnixTimeMilliseconds();
        var until = (context.Until ?? now).ToUnixTimeMilliseconds();
        return start >= until ? null : Window(start, until, Math.Max(1, settings.WindowDays));
    }

    public static SalesCursor Parse(string cursor)
    {
        SalesCursor? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<SalesCursor>(cursor);
        }
        catch (JsonException ex)
        {
            throw new SourceException("internal", $"The Hotmart sales checkpoint '{cursor}' cannot be read; reset the stream's checkpoint. {ex.Message}", ex);
        }
        if (parsed is null || parsed.WindowStart >= parsed.WindowEnd || string.IsNullOrEmpty(parsed.Status))
        {
            throw new SourceException("internal", $"The Hotmart sales checkpoint '{cursor}' is incomplete; reset the stream's checkpoint.");
        }
        // A status this version does not read any more: read the window again from the first status.
        return HotmartSalesStreamReader.Statuses.Contains(parsed.Status) ? parsed
            : parsed with { Status = HotmartSalesStreamReader.Statuses[0], PageToken = null };
    }

    /// <summary>The next page of this status, else the next status, else the next window; null when the range is done.</summary>
    public SalesCursor? Next(string? nextPageToken, int windowDays)
    {
        // A token equal to the one just used would read the same page forever.
        if (!string.IsNullOrEmpty(nextPageToken) && nextPageToken != PageToken)
        {
            return this with { PageToken = nextPageToken };
        }
        var statuses = HotmartSalesStreamReader.Statuses;
        var index = statuses.ToList().IndexOf(Status);
        if (index + 1 < statuses.Count)
        {
            return this with { Status = statuses[index + 1], PageToken = null };
        }
        return WindowEnd >= Until ? null : Window(WindowEnd, Until, windowDays);
    }

    public override string ToString() => JsonSerializer.Serialize(this);

    private static SalesCursor Window(long start, long until, int windowDays) =>
        new(start, Math.Min(until, start + (long)TimeSpan.FromDays(windowDays).TotalMilliseconds), until, HotmartSalesStreamReader.Statuses[0], null);
}
