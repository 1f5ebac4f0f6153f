using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using Platform.Connectors.PayPal.Api;
using Platform.Connectors.PayPal.Mapping;
using Platform.Connectors.Staging;

namespace Platform.Connectors.PayPal.Streams;

/// <summary>
/// Transactions through <c>GET /v1/reporting/transactions?fields=all&amp;page_size=500</c>, window by window (31 days at
/// most), page by page, checkpointed after every page. Refunds and reversals come as their own transactions pointing at
/// the payment. A row whose money cannot be read is staged with <c>mapping_error</c>; a row without an id or date is
/// counted as fetched, not staged, and logged (its id and reason only).
/// </summary>
public sealed partial class PayPalTransactionsReader(IPayPalApi api, TimeProvider clock, ILogger<PayPalTransactionsReader> logger) : ISourceStreamReader
{
    public const string StreamName = "transactions";

    public const int PageSize = 500;

    public string Name => StreamName;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = clock.GetUtcNow();
        var window = TransactionWindow.At(context, cursor, now);
        var last = TransactionWindow.Last(context, now);
        if (window.Start >= last)
        {
            return new BackfillPage([], null, 0);
        }
        using var response = await api.TransactionsAsync(context.WorkspaceId, TransactionWindow.Format(window.Start), TransactionWindow.Format(window.End),
            "all", PageSize, window.Page, cancellationToken);
        using var document = response.Content("PayPal", context.WorkspaceId);
        var root = document.RootElement;
        if (!root.TryGetProperty("transaction_details", out var details) || details.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("PayPal /v1/reporting/transactions answered without a \"transaction_details\" array");
        }
        var records = new List<StagedRecordInput>(details.GetArrayLength());
        foreach (var detail in details.EnumerateArray())
        {
            try
            {
                records.Add(StagedRecordInput.Of(StreamName, detail, PayPalMapping.Transaction(detail)));
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
            {
                LogUnreadable(logger, context.WorkspaceId, TransactionId(detail), ex.Message);
            }
        }
        var totalPages = root.TryGetProperty("total_pages", out var pages) && pages.ValueKind == JsonValueKind.Number ? pages.GetInt32() : 1;
        return new BackfillPage(records, window.Next(totalPages, last), details.GetArrayLength());
    }

    private static string? TransactionId(JsonElement detail) =>
        detail.TryGetProperty("transaction_info", out var info) && info.ValueKind == JsonValueKind.Object
        && info.TryGetProperty("transaction_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "PayPal transaction {TransactionId} of workspace {Workspace} was not staged: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string workspace, string? transactionId, string reason);
}
