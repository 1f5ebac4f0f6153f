using System.Text.Json;
using Platform.Connectors.Backfill;
using Platform.Connectors.Staging;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Stripe.Domain;

/// <summary>A Stripe resource read as a stream.</summary>
/// <param name="Name">Stream name.</param>
/// <param name="Resource">List endpoint under /v1.</param>
/// <param name="EventTypes">Event types that carry its objects (incremental syncs).</param>
/// <param name="ExtraQuery">Query the list always needs (e.g. <c>status=all</c>).</param>
public sealed record StripeResource(string Name, string Resource, IReadOnlyList<string> EventTypes, string? ExtraQuery = null);

/// <summary>
/// One Stripe resource as a stream. Full syncs and date ranges walk the list endpoint newest first with
/// <c>starting_after</c> (and <c>created</c> bounds for a range). Incremental syncs read the Events API from the
/// watermark (catching updates, not only creations); when the watermark is older than Stripe's 30 days of
/// events they fall back to a <c>created</c>-window walk of the list.
/// </summary>
public sealed class StripeStreamReader(IStripeApi api, StripeResource stream, TimeProvider clock)
    : ISourceStreamReader
{
    /// <summary>Stripe's maximum page size.</summary>
    public const int PageSize = 100;

    /// <summary>Events older than this are gone from Stripe.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    private const string EventsPrefix = "events:";

    /// <summary>Every stream of the connector.</summary>
    public static IReadOnlyList<StripeResource> All { get; } =
    [
        new("customers", "customers", ["customer.created", "customer.updated"]),
        new("charges", "charges", ["charge.succeeded", "charge.failed", "charge.pending", "charge.refunded", "charge.updated", "charge.captured"]),
        new("payment_intents", "payment_intents", ["payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled", "payment_intent.created"]),
        new("invoices", "invoices", ["invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_failed", "invoice.voided", "invoice.marked_uncollectible", "invoice.updated"]),
        // The list leaves out canceled subscriptions unless asked for every status.
        new("subscriptions", "subscriptions", ["customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"], "status=all"),
        new("refunds", "refunds", ["refund.created", "refund.updated", "charge.refund.updated"]),
        new("disputes", "disputes", ["charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed"]),
    ];

    public string Name => stream.Name;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var apiKey = context.Credentials["ApiKey"];
        if (string.IsNullOrEmpty(apiKey))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{context.WorkspaceId}' has no Stripe ApiKey (Connectors__Stripe__Workspaces__{context.WorkspaceId}__ApiKey).");
        }

        var useEvents = cursor?.StartsWith(EventsPrefix, StringComparison.Ordinal)
            ?? (context.Mode == SyncMode.Incremental && context.Until is null && context.Since is { } since
                && since > clock.GetUtcNow() - EventRetention + TimeSpan.FromMinutes(5));
        var after = cursor is null ? null : cursor.StartsWith(EventsPrefix, StringComparison.Ordinal) ? cursor[EventsPrefix.Length..] : cursor;
        if (after is { Length: 0 })
        {
            after = null;
        }

        if (useEvents)
        {
            using var events = await api.ListEventsAsync(context.WorkspaceId, apiKey, stream.EventTypes, PageSize, after, context.Since!.Value, cancellationToken);
            var records = new List<StagedRecordInput>(events.Data.Count);
            foreach (var evt in events.Data)
            {
                var obj = evt.GetProperty("data").GetProperty("object");
                var created = DateTimeOffset.FromUnixTimeSeconds(evt.GetProperty("created").GetInt64());
                if (StripeMapping.Map(obj, created) is { } record)
                {
                    records.Add(new StagedRecordInput(stream.Name, obj.GetRawText(), record));
                }
            }
            var next = events.HasMore && events.Data.Count > 0 ? EventsPrefix + Id(events.Data[^1]) : null;
            return new BackfillPage(records, next, events.Data.Count);
        }

        using var page = await api.ListAsync(context.WorkspaceId, apiKey, stream.Resource, PageSize, after, context.Since, context.Until,
            stream.ExtraQuery, cancellationToken);
        var mapped = new List<StagedRecordInput>(page.Data.Count);
        foreach (var obj in page.Data)
        {
            if (StripeMapping.Map(obj) is { } record)
            {
                mapped.Add(new StagedRecordInput(stream.Name, obj.GetRawText(), record));
            }
        }
        return new BackfillPage(mapped, page.HasMore && page.Data.Count > 0 ? Id(page.Data[^1]) : null, page.Data.Count);
    }

    private static string Id(JsonElement obj) =>
        obj.GetProperty("id").GetString() ?? throw new JsonException("Stripe object without an id");
}
