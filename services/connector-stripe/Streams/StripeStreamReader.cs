using System.Text.Json;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using Platform.Connectors.Staging;
using Platform.Connectors.Stripe.Api;
using Platform.Connectors.Stripe.Mapping;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Stripe.Streams;

/// <summary>A Stripe resource read as a stream.</summary>
/// <param name="Name">Stream name.</param>
/// <param name="Resource">List endpoint under /v1.</param>
/// <param name="EventTypes">Event types that carry its objects (incremental syncs).</param>
/// <param name="Status">The <c>status</c> the list always needs (subscriptions: <c>all</c>, or canceled ones are left out).</param>
public sealed record StripeResource(string Name, string Resource, IReadOnlyList<string> EventTypes, string? Status = null);

/// <summary>
/// One Stripe resource as a stream. Full syncs and date ranges walk the list endpoint newest first with
/// <c>starting_after</c> (and <c>created</c> bounds for a range). Incremental syncs read the Events API from the
/// watermark (catching updates, not only creations); when the watermark is older than Stripe's 30 days of events
/// they read the whole list once (an object's current state, whatever its creation date), and the finished run
/// moves the watermark so the next run reads events again.
/// Stripe objects carry no updated-at: a version read from a list page is dated when the page was read (it is the
/// object's state at that moment, newer than any event before it); a version from an event is dated by the event.
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
        new("subscriptions", "subscriptions", ["customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"], "all"),
        new("refunds", "refunds", ["refund.created", "refund.updated", "charge.refund.updated"]),
        new("disputes", "disputes", ["charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed"]),
    ];

    public string Name => stream.Name;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(context.Credentials["ApiKey"]))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{context.WorkspaceId}' has no Stripe ApiKey (Connectors__Stripe__Workspaces__{context.WorkspaceId}__ApiKey).");
        }

        var incremental = context.Mode == SyncMode.Incremental && context.Until is null;
        var useEvents = cursor?.StartsWith(EventsPrefix, StringComparison.Ordinal)
            ?? (incremental && context.Since is { } since && since > clock.GetUtcNow() - EventRetention + TimeSpan.FromMinutes(5));
        var after = cursor is null ? null : cursor.StartsWith(EventsPrefix, StringComparison.Ordinal) ? cursor[EventsPrefix.Length..] : cursor;
        if (after is { Length: 0 })
        {
            after = null;
        }

        if (useEvents)
        {
            using var events = await api.ListEventsAsync(context.WorkspaceId,
                    new StripeListQuery { Limit = PageSize, StartingAfter = after, CreatedGte = context.Since!.Value.ToUnixTimeSeconds() },
                    stream.EventTypes, cancellationToken)
                .ContentOrThrowAsync(StripeApi.Errors, context.WorkspaceId);
            var data = DataOf(events, "events");
            var records = new List<StagedRecordInput>(data.GetArrayLength());
            foreach (var evt in data.EnumerateArray())
            {
                var obj = evt.GetProperty("data").GetProperty("object");
                var created = DateTimeOffset.FromUnixTimeSeconds(evt.GetProperty("created").GetInt64());
                if (StripeMapping.Map(obj, created) is { } record)
                {
                    records.Add(StagedRecordInput.Of(stream.Name, obj, record));
                }
            }
            var count = data.GetArrayLength();
            var next = HasMore(events!) && count > 0 ? EventsPrefix + Id(data[count - 1]) : null;
            return new BackfillPage(records, next, count);
        }

        // An incremental run whose events are gone reads the whole list: a created-date bound would miss every update of older objects.
        using var page = await api.ListAsync(context.WorkspaceId, stream.Resource, new StripeListQuery
            {
                Limit = PageSize,
                StartingAfter = after,
                CreatedGte = incremental ? null : context.Since?.ToUnixTimeSeconds(),
                CreatedLt = context.Until?.ToUnixTimeSeconds(),
                Status = stream.Status,
            }, cancellationToken)
            .ContentOrThrowAsync(StripeApi.Errors, context.WorkspaceId);
        var objects = DataOf(page, stream.Resource);
        var readAt = clock.GetUtcNow();
        var objectCount = objects.GetArrayLength();
        var mapped = new List<StagedRecordInput>(objectCount);
        foreach (var obj in objects.EnumerateArray())
        {
            if (StripeMapping.Map(obj, readAt) is { } record)
            {
                mapped.Add(StagedRecordInput.Of(stream.Name, obj, record));
            }
        }
        return new BackfillPage(mapped, HasMore(page!) && objectCount > 0 ? Id(objects[objectCount - 1]) : null, objectCount);
    }

    /// <summary>The page's <c>data</c> array (the page is read in place: nothing taken from it outlives the call).</summary>
    private static JsonElement DataOf(JsonPage? page, string what) =>
        page is { Root.ValueKind: JsonValueKind.Object } && page.Root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data
            : throw new SourceException("bad_response", $"Stripe answered /v1/{what} without a \"data\" array.");

    private static bool HasMore(JsonPage page) =>
        page.Root.TryGetProperty("has_more", out var hasMore) && hasMore.ValueKind == JsonValueKind.True;

    private static string Id(JsonElement obj) =>
        obj.GetProperty("id").GetString() ?? throw new JsonException("Stripe object without an id");
}
