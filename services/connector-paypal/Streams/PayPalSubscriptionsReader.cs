using System.Net;
using System.Text.Json;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using Platform.Connectors.PayPal.Api;
using Platform.Connectors.PayPal.Mapping;
using Platform.Connectors.Staging;

namespace Platform.Connectors.PayPal.Streams;

/// <summary>
/// Subscriptions. PayPal has no endpoint that lists a merchant's subscriptions, so this stream walks the same
/// Transaction Search windows (transaction_info only) and reads each subscription a payment points at
/// (<c>paypal_reference_id_type = SUB</c>) once per run through <c>GET /v1/billing/subscriptions/{id}</c>.
/// </summary>
public sealed class PayPalSubscriptionsReader(IPayPalApi api, TimeProvider clock) : ISourceStreamReader
{
    public const string StreamName = "subscriptions";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

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
        var ids = new List<string>();
        int totalPages;
        using (var response = await api.TransactionsAsync(context.WorkspaceId, TransactionWindow.Format(window.Start), TransactionWindow.Format(window.End),
            "transaction_info", PayPalTransactionsReader.PageSize, window.Page, cancellationToken))
        using (var document = response.Content("PayPal", context.WorkspaceId))
        {
            var root = document.RootElement;
            totalPages = root.TryGetProperty("total_pages", out var pages) && pages.ValueKind == JsonValueKind.Number ? pages.GetInt32() : 1;
            if (root.TryGetProperty("transaction_details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.TryGetProperty("transaction_info", out var info)
                        && info.TryGetProperty("paypal_reference_id_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "SUB"
                        && info.TryGetProperty("paypal_reference_id", out var reference) && reference.GetString() is { } id && _seen.Add(id))
                    {
                        ids.Add(id);
                    }
                }
            }
        }
        var records = new List<StagedRecordInput>(ids.Count);
        foreach (var id in ids)
        {
            using var response = await api.SubscriptionAsync(context.WorkspaceId, id, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                continue;
            }
            using var subscription = response.Content("PayPal", context.WorkspaceId);
            records.Add(StagedRecordInput.Of(StreamName, subscription.RootElement, PayPalMapping.Subscription(subscription.RootElement)));
        }
        return new BackfillPage(records, window.Next(totalPages, last), ids.Count);
    }
}
