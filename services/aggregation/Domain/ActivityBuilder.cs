using Platform.Contracts.Records;

namespace Platform.Aggregation.Domain;

/// <summary>
/// A timeline entry of <c>customer_activities</c>. <c>Type</c> says what happened (<c>purchase_approved</c>,
/// <c>deal_won</c>, <c>contact_updated</c>…); <c>DedupeKey</c> is unique per record: the type for state changes (a
/// purchase is approved once, however often it is re-read), the type and version for updates (each new version of a
/// contact is an entry).
/// </summary>
internal sealed record ActivityFacts(
    string Type, string Title, string? Status, decimal? Amount, string? Currency, DateTimeOffset OccurredAt, string DedupeKey);

/// <summary>Builds the timeline entry of a linked record. Every record gets one.</summary>
internal static class ActivityBuilder
{
    public static ActivityFacts For(CanonicalRecord record, string entityType, SaleFacts? sale)
    {
        ArgumentNullException.ThrowIfNull(record);
        var source = SourceTitle(record.Source);
        if (sale is not null)
        {
            return Sale(record, sale, source);
        }
        var updatedAt = record.SourceUpdatedAt.ToUniversalTime();
        var version = updatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var attributes = record.Attributes;
        switch (record.EntityType)
        {
            case EntityType.Subscription:
                {
                    var status = record.Money?.Status ?? RecordFacts.Attr(attributes, "subscription_status");
                    var plan = RecordFacts.Attr(attributes, "plan_name") ?? record.Money?.Product ?? record.ExternalId;
                    var eventName = RecordFacts.Attr(attributes, "event");
                    if (eventName == "SWITCH_PLAN")
                    {
                        return new("subscription_plan_changed", $"Subscription plan changed to {plan} in {source}", status, null, null, updatedAt,
                            "subscription_plan_changed@" + version);
                    }
                    if (StatusNormaliser.SubscriptionEnded(status))
                    {
                        return new("subscription_cancelled", $"Subscription cancelled in {source}: {plan}", status, null, null, updatedAt,
                            "subscription_cancelled");
                    }
                    if (StatusNormaliser.SubscriptionRunning(status))
                    {
                        return new("subscription_active", $"Subscription active in {source}: {plan}", status, record.Money?.Amount,
                            record.Money?.Currency, record.Money?.OccurredAt.ToUniversalTime() ?? updatedAt, "subscription_active");
                    }
                    return new("subscription_updated", $"Subscription updated in {source}: {plan}", status, null, null, updatedAt,
                        "subscription_updated@" + version);
                }
            case EntityType.Enrichment:
                {
                    var eventName = RecordFacts.Attr(attributes, "event");
                    var title = eventName is null ? $"Data enriched from {source}" : $"{Humanise(eventName)} in {source}";
                    return new("enrichment_updated", title, null, null, null, updatedAt, "enrichment_updated@" + version);
                }
            default:
                {
                    var what = entityType == "company" ? "Company" : "Contact";
                    return new("contact_updated", $"{what} updated in {source}", null, null, null, updatedAt, "contact_updated@" + version);
                }
        }
    }

    private static ActivityFacts Sale(CanonicalRecord record, SaleFacts sale, string source)
    {
        var money = RecordFacts.Money(sale.Amount, sale.Currency);
        var what = sale.Product ?? record.ExternalId;
        var changedAt = record.SourceUpdatedAt.ToUniversalTime();
        ActivityFacts Entry(string type, string title, DateTimeOffset at) =>
            new(type, money.Length > 0 ? $"{title} ({money})" : title, sale.BaseStatus, sale.Amount, sale.Currency, at, type);
        switch (sale.Kind)
        {
            case SaleKinds.Deal:
                return sale.BaseStatus switch
                {
                    SaleStatuses.Won => Entry("deal_won", $"Deal won in {source}: {what}", sale.OccurredAt),
                    SaleStatuses.Lost => Entry("deal_lost", $"Deal lost in {source}: {what}", sale.OccurredAt),
                    _ => Entry("deal_opened", $"Deal opened in {source}: {what}", sale.OccurredAt),
                };
            case SaleKinds.Refund:
                return Entry("purchase_refunded", $"Refund in {source} of {sale.ParentRef}", sale.OccurredAt);
            case SaleKinds.Chargeback:
                return Entry("purchase_chargeback", $"Chargeback in {source} of {sale.ParentRef}", sale.OccurredAt);
            case SaleKinds.Deposit:
                return Entry("investment_deposit", $"Deposit in {source}", sale.OccurredAt);
            case SaleKinds.Withdrawal:
                return Entry("investment_withdrawal", $"Withdrawal in {source}", sale.OccurredAt);
        }
        return sale.BaseStatus switch
        {
            SaleStatuses.Paid => Entry("purchase_approved", $"Purchase approved in {source}: {what}", sale.OccurredAt),
            SaleStatuses.Refunded => Entry("purchase_refunded", $"Purchase refunded in {source}: {what}", changedAt),
            SaleStatuses.PartiallyRefunded => Entry("purchase_partially_refunded", $"Purchase partially refunded in {source}: {what}", changedAt),
            SaleStatuses.Chargeback => Entry("purchase_chargeback", $"Chargeback in {source}: {what}", changedAt),
            SaleStatuses.Cancelled => Entry("purchase_cancelled", $"Purchase cancelled in {source}: {what}", changedAt),
            SaleStatuses.Abandoned => Entry("cart_abandoned", $"Cart abandoned in {source}: {what}", sale.OccurredAt),
            _ => Entry("purchase_pending", $"Purchase pending in {source}: {what}", sale.OccurredAt),
        };
    }

    private static string SourceTitle(string source) => source switch
    {
        "stripe" => "Stripe",
        "hotmart" => "Hotmart",
        "ploomes" => "Ploomes",
        "paypal" => "PayPal",
        "gohighlevel" => "GoHighLevel",
        "manychat" => "ManyChat",
        "sgt" => "SGT",
        "csv" => "a CSV import",
        _ => source,
    };

    private static string Humanise(string eventName)
    {
        var words = eventName.Replace('_', ' ').Trim().ToLowerInvariant();
        return words.Length == 0 ? eventName : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
