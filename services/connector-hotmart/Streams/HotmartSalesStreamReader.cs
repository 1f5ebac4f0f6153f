using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Platform.Connectors.Backfill;
using Platform.Connectors.Hotmart.Api;
using Platform.Connectors.Hotmart.Domain;
using Platform.Connectors.Hotmart.Mapping;
using Platform.Connectors.Http;
using Platform.Connectors.Json;
using Platform.Connectors.Staging;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Hotmart.Streams;

/// <summary>
/// The <c>sales</c> stream: <c>sales/history</c> read status by status (without a status filter the API returns only
/// APPROVED and COMPLETE), and for each status over the run's range with the SDK's adaptive <see cref="DateWindow"/>
/// (it grows over empty years and shrinks when Hotmart rejects a broad range), page by page. Each page's buyers are
/// completed from <c>sales/users</c> (phone, CPF/CNPJ), which takes the same filters: one call usually covers the whole
/// page, and only sales it missed are asked for one by one. Incremental syncs re-read a trailing window of orders
/// (<see cref="HotmartOptions.TrailingWindowDays"/>) so status changes of older orders are seen.
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
        var windows = settings.Windows();
        var position = cursor is null ? SalesCursor.First(context, settings, clock.GetUtcNow()) : SalesCursor.Parse(cursor);
        if (position is null)
        {
            return new BackfillPage([], null);
        }

        var query = new SalesQuery
        {
            MaxResults = settings.PageSize,
            PageToken = position.PageToken,
            StartDate = position.Window.StartsAt,
            // Windows are [start, end); Hotmart's end_date is inclusive.
            EndDate = position.Window.EndsAt.AddMilliseconds(-1),
            TransactionStatus = position.Status,
        };
        JsonPage? answer;
        try
        {
            answer = await api.GetSalesHistoryAsync(account.WorkspaceId, query, cancellationToken)
                .ContentOrThrowAsync(HotmartApi.Errors, account.WorkspaceId);
        }
        catch (SourceException ex) when (ex.ErrorCode is "bad_response" or "source_unavailable" && position.PageToken is null
            && position.Window.Shrink(windows) is { } smaller)
        {
            // Hotmart rejected (or timed out on) the range: ask again for a smaller one from the same start.
            return new BackfillPage([], (position with { Window = smaller }).ToString(), 0);
        }
        // The page is read in place: its records are built (their bytes copied out) before it is disposed.
        using var pageAnswer = answer;
        var page = HotmartApi.SalesPage(answer);
        var buyers = await BuyersAsync(account, query, page.Items, cancellationToken);
        var readAt = clock.GetUtcNow();

        var records = new List<StagedRecordInput>(page.Items.Count);
        foreach (var item in page.Items)
        {
            var transaction = TransactionOf(item);
            var record = HotmartMapping.MapSale(item, transaction is null ? null : buyers.GetValueOrDefault(transaction), readAt);
            if (record is not null)
            {
                records.Add(StagedRecordInput.Of(Name, item, record));
            }
        }
        var next = position.Next(page.PageInfo?.NextPageToken, page.Items.Count == 0, windows);
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
        void Collect(HotmartPage<SaleParticipants>? participants)
        {
            foreach (var sale in participants?.Items ?? [])
            {
                if (sale.Transaction is { } transaction && wanted.Contains(transaction) && sale.Buyer is { } buyer)
                {
                    buyers[transaction] = buyer;
                }
            }
        }

        try
        {
            Collect(await api.GetSalesUsersAsync(account.WorkspaceId, query, cancellationToken).ContentOrThrowAsync(HotmartApi.Errors, account.WorkspaceId));
        }
        catch (SourceException ex) when (ex.ErrorCode == "bad_response")
        {
            // sales/users refused the history page's filters or page token: ask per sale below instead.
        }
        foreach (var transaction in wanted.Where(t => !buyers.ContainsKey(t)).ToList())
        {
            Collect(await api.GetSalesUsersAsync(account.WorkspaceId, new SalesQuery { Transaction = transaction }, cancellationToken)
                .ContentOrThrowAsync(HotmartApi.Errors, account.WorkspaceId));
        }
        return buyers;
    }

    private static string? TransactionOf(JsonElement item) =>
        JsonFields.Str(JsonFields.Obj(item, "purchase"), "transaction");
}

/// <summary>
/// Where the sales stream stands, stored by the runner as opaque JSON: the status being read (by name, so a changed
/// status list cannot shift it), the adaptive window within the run's range (its end fixed when the run starts, so
/// a resumed run reads the same range), where the range began (each status walks it from there) and Hotmart's page token.
/// </summary>
internal sealed record SalesCursor(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("window")] DateWindow Window,
    [property: JsonPropertyName("from")] long From,
    [property: JsonPropertyName("page_token")] string? PageToken)
{
    /// <summary>The first position of a run, or null when its range is empty.</summary>
    public static SalesCursor? First(StreamReadContext context, HotmartOptions settings, DateTimeOffset now)
    {
        var from = context.Since ?? settings.EarliestDate;
        if (context.Mode == SyncMode.Incremental && context.Until is null)
        {
            // Orders are filtered by order date: re-read the trailing window so their status changes are seen.
            var trailing = now - TimeSpan.FromDays(Math.Max(0, settings.TrailingWindowDays));
            from = from < trailing ? from : trailing;
        }
        var window = DateWindow.First(from, context.Until ?? now, settings.Windows());
        return window is null ? null : new SalesCursor(HotmartSalesStreamReader.Statuses[0], window, from.ToUnixTimeMilliseconds(), null);
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
        if (parsed?.Window is not { IsValid: true } || string.IsNullOrEmpty(parsed.Status) || parsed.From > parsed.Window.Start)
        {
            throw new SourceException("internal", $"The Hotmart sales checkpoint '{cursor}' is incomplete; reset the stream's checkpoint.");
        }
        // A status this version does not read any more: read the range again from the first status.
        return HotmartSalesStreamReader.Statuses.Contains(parsed.Status) ? parsed
            : parsed with { Status = HotmartSalesStreamReader.Statuses[0], PageToken = null };
    }

    /// <summary>The next page of this window, else the next window of this status, else the next status; null when all is read.</summary>
    public SalesCursor? Next(string? nextPageToken, bool pageWasEmpty, DateWindowOptions windows)
    {
        // A token equal to the one just used would read the same page forever.
        if (!string.IsNullOrEmpty(nextPageToken) && nextPageToken != PageToken)
        {
            return this with { PageToken = nextPageToken };
        }
        // The window was empty only if its first page was.
        if (Window.Next(pageWasEmpty && PageToken is null, windows) is { } window)
        {
            return this with { Window = window, PageToken = null };
        }
        var index = HotmartSalesStreamReader.Statuses.ToList().IndexOf(Status);
        if (index + 1 >= HotmartSalesStreamReader.Statuses.Count)
        {
            return null;
        }
        var first = DateWindow.First(DateTimeOffset.FromUnixTimeMilliseconds(From), DateTimeOffset.FromUnixTimeMilliseconds(Window.Until), windows)!;
        return new SalesCursor(HotmartSalesStreamReader.Statuses[index + 1], first, From, null);
    }

    public override string ToString() => JsonSerializer.Serialize(this);
}
