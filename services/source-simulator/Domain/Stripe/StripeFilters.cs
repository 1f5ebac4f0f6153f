namespace Platform.SourceSimulator.Domain.Stripe;

/// <summary>The list filters Stripe documents per resource, beyond <c>created</c> and the cursors.</summary>
internal static class StripeFilters
{
    private static readonly HashSet<string> SubscriptionStatuses =
        ["active", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired", "trialing", "paused", "all", "ended"];

    private static readonly HashSet<string> InvoiceStatuses = ["draft", "open", "paid", "uncollectible", "void"];

    /// <summary>The filter for a resource, or the parameter that is wrong and why.</summary>
    public static (Func<StripeObject, bool>? Filter, string? Param, string? Error) Build(string resource, Func<string, string?> query, IReadOnlyList<string> types)
    {
        var filters = new List<Func<StripeObject, bool>>();
        string? Get(string name) => query(name) is { Length: > 0 } v ? v : null;
        switch (resource)
        {
            case "customers":
                if (Get("email") is { } email)
                {
                    // Stripe's email filter is case-sensitive.
                    filters.Add(o => ((StripeCustomer)o).Email == email);
                }
                break;
            case "charges":
                if (Get("customer") is { } chargeCustomer)
                {
                    filters.Add(o => ((StripeCharge)o).Customer.Id == chargeCustomer);
                }
                if (Get("payment_intent") is { } chargeIntent)
                {
                    filters.Add(o => ((StripeCharge)o).PaymentIntentId == chargeIntent);
                }
                break;
            case "payment_intents":
                if (Get("customer") is { } intentCustomer)
                {
                    filters.Add(o => ((StripePaymentIntent)o).Charge.Customer.Id == intentCustomer);
                }
                break;
            case "invoices":
                if (Get("customer") is { } invoiceCustomer)
                {
                    filters.Add(o => ((StripeInvoice)o).Customer.Id == invoiceCustomer);
                }
                if (Get("subscription") is { } invoiceSubscription)
                {
                    filters.Add(o => ((StripeInvoice)o).Subscription?.Id == invoiceSubscription);
                }
                if (Get("status") is { } invoiceStatus)
                {
                    if (!InvoiceStatuses.Contains(invoiceStatus))
                    {
                        return (null, "status", $"Invalid status: must be one of {string.Join(", ", InvoiceStatuses)}");
                    }
                    filters.Add(o => ((StripeInvoice)o).Status == invoiceStatus);
                }
                break;
            case "subscriptions":
                if (Get("customer") is { } subscriptionCustomer)
                {
                    filters.Add(o => ((StripeSubscription)o).Customer.Id == subscriptionCustomer);
                }
                if (Get("price") is { } price)
                {
                    filters.Add(o => ((StripeSubscription)o).Price.Id == price);
                }
                var status = Get("status");
                if (status is not null && !SubscriptionStatuses.Contains(status))
                {
                    return (null, "status", $"Invalid status: must be one of {string.Join(", ", SubscriptionStatuses)}");
                }
                // Like Stripe: without a status, canceled subscriptions are left out.
                filters.Add(status switch
                {
                    null => o => ((StripeSubscription)o).Status != "canceled",
                    "all" => _ => true,
                    "ended" => o => ((StripeSubscription)o).Status is "canceled" or "incomplete_expired",
                    _ => o => ((StripeSubscription)o).Status == status,
                });
                break;
            case "refunds":
                if (Get("charge") is { } refundCharge)
                {
                    filters.Add(o => ((StripeRefund)o).Charge.Id == refundCharge);
                }
                if (Get("payment_intent") is { } refundIntent)
                {
                    filters.Add(o => ((StripeRefund)o).Charge.PaymentIntentId == refundIntent);
                }
                break;
            case "disputes":
                if (Get("charge") is { } disputeCharge)
                {
                    filters.Add(o => ((StripeDispute)o).Charge.Id == disputeCharge);
                }
                if (Get("payment_intent") is { } disputeIntent)
                {
                    filters.Add(o => ((StripeDispute)o).Charge.PaymentIntentId == disputeIntent);
                }
                break;
            case "events":
                if (Get("type") is { } type && types.Count > 0)
                {
                    return (null, "type", "You may only specify one of these parameters: type, types.");
                }
                if (types.Count > 20)
                {
                    return (null, "types", "You may pass at most 20 event types.");
                }
                var wanted = Get("type") is { } single ? [single] : types;
                if (wanted.Count > 0)
                {
                    filters.Add(o => wanted.Any(t => TypeMatches(((StripeEvent)o).Type, t)));
                }
                break;
        }
        return filters.Count == 0 ? (null, null, null) : (o => filters.TrueForAll(f => f(o)), null, null);
    }

    /// <summary>Stripe accepts a trailing wildcard: <c>customer.*</c>.</summary>
    private static bool TypeMatches(string type, string pattern) =>
        pattern.EndsWith(".*", StringComparison.Ordinal)
            ? type.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : type == pattern;
}
