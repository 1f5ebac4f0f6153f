namespace Platform.Aggregation.Domain;

/// <summary>
/// Source statuses to the platform's: deals open/won/lost; payments paid, pending, refunded, partially_refunded,
/// chargeback, cancelled, abandoned. The spellings come from the connectors' mappings (Stripe objects, Hotmart's
/// sales API enum with the postback spellings already folded in, Ploomes StatusId) and from the vendor documentation
/// of sources without a connector yet (PayPal <c>transaction_status</c> letters, SGT's Portuguese words). A status
/// no table knows is <c>pending</c>: it never counts as revenue until a source says it was paid.
/// </summary>
internal static class StatusNormaliser
{
    private static readonly Dictionary<string, string> Payments = new(StringComparer.OrdinalIgnoreCase)
    {
        // paid
        ["succeeded"] = SaleStatuses.Paid, // Stripe charge, payment intent
        ["paid"] = SaleStatuses.Paid, // Stripe invoice, checkout session payment_status
        ["no_payment_required"] = SaleStatuses.Paid, // Stripe checkout session (100 % coupon)
        ["approved"] = SaleStatuses.Paid, // Hotmart
        ["complete"] = SaleStatuses.Paid, // Hotmart (warranty over)
        ["completed"] = SaleStatuses.Paid, // Hotmart postback, PayPal v2
        ["success"] = SaleStatuses.Paid,
        ["captured"] = SaleStatuses.Paid,
        ["settled"] = SaleStatuses.Paid,
        ["pago"] = SaleStatuses.Paid,
        ["aprovado"] = SaleStatuses.Paid,
        ["aprovada"] = SaleStatuses.Paid,
        // pending
        ["pending"] = SaleStatuses.Pending,
        ["processing"] = SaleStatuses.Pending,
        ["requires_payment_method"] = SaleStatuses.Pending,
        ["requires_confirmation"] = SaleStatuses.Pending,
        ["requires_action"] = SaleStatuses.Pending,
        ["requires_capture"] = SaleStatuses.Pending,
        ["unpaid"] = SaleStatuses.Pending, // Stripe checkout session payment_status
        ["open"] = SaleStatuses.Pending, // Stripe invoice, checkout session status
        ["draft"] = SaleStatuses.Pending,
        ["waiting_payment"] = SaleStatuses.Pending, // Hotmart
        ["printed_billet"] = SaleStatuses.Pending,
        ["billet_printed"] = SaleStatuses.Pending,
        ["under_analisys"] = SaleStatuses.Pending, // (sic) Hotmart
        ["under_analysis"] = SaleStatuses.Pending,
        ["processing_transaction"] = SaleStatuses.Pending,
        ["started"] = SaleStatuses.Pending,
        ["pre_order"] = SaleStatuses.Pending,
        ["delayed"] = SaleStatuses.Pending,
        ["overdue"] = SaleStatuses.Pending,
        ["aguardando_pagamento"] = SaleStatuses.Pending,
        ["pendente"] = SaleStatuses.Pending,
        // refunded
        ["refunded"] = SaleStatuses.Refunded, // Stripe charge (refunded: true), refund objects, Hotmart
        ["reversed"] = SaleStatuses.Refunded, // PayPal V
        ["reembolsado"] = SaleStatuses.Refunded,
        ["reembolsada"] = SaleStatuses.Refunded,
        ["estornado"] = SaleStatuses.Refunded,
        ["partially_refunded"] = SaleStatuses.PartiallyRefunded, // Stripe charge, Hotmart
        ["partial_refund"] = SaleStatuses.PartiallyRefunded,
        // chargeback
        ["chargeback"] = SaleStatuses.Chargeback, // Hotmart, Stripe dispute objects
        ["disputed"] = SaleStatuses.Chargeback, // Stripe charge (disputed: true)
        ["dispute"] = SaleStatuses.Chargeback, // Hotmart postback spelling
        ["protested"] = SaleStatuses.Chargeback, // Hotmart: the buyer opened a complaint, the money is held
        ["contestado"] = SaleStatuses.Chargeback,
        // cancelled
        ["canceled"] = SaleStatuses.Cancelled, // Stripe payment intent, subscription
        ["cancelled"] = SaleStatuses.Cancelled, // Hotmart
        ["failed"] = SaleStatuses.Cancelled, // Stripe charge
        ["void"] = SaleStatuses.Cancelled, // Stripe invoice
        ["uncollectible"] = SaleStatuses.Cancelled, // Stripe invoice
        ["expired"] = SaleStatuses.Cancelled, // Hotmart, Stripe checkout session
        ["blocked"] = SaleStatuses.Cancelled, // Hotmart
        ["no_funds"] = SaleStatuses.Cancelled, // Hotmart
        ["denied"] = SaleStatuses.Cancelled, // PayPal D
        ["declined"] = SaleStatuses.Cancelled,
        ["incomplete_expired"] = SaleStatuses.Cancelled,
        ["cancelado"] = SaleStatuses.Cancelled,
        ["cancelada"] = SaleStatuses.Cancelled,
        ["recusado"] = SaleStatuses.Cancelled,
        // abandoned
        ["abandoned"] = SaleStatuses.Abandoned, // Hotmart abandoned cart (connector attribute)
        ["cart_abandoned"] = SaleStatuses.Abandoned,
        ["abandonado"] = SaleStatuses.Abandoned,
    };

    /// <summary>PayPal's one-letter <c>transaction_status</c> (Transaction Search API).</summary>
    private static readonly Dictionary<string, string> PaypalLetters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["S"] = SaleStatuses.Paid,
        ["P"] = SaleStatuses.Pending,
        ["D"] = SaleStatuses.Cancelled,
        ["V"] = SaleStatuses.Refunded,
    };

    private static readonly Dictionary<string, string> Deals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["open"] = SaleStatuses.Open,
        ["1"] = SaleStatuses.Open, // Ploomes StatusId
        ["won"] = SaleStatuses.Won,
        ["2"] = SaleStatuses.Won,
        ["ganho"] = SaleStatuses.Won,
        ["ganha"] = SaleStatuses.Won,
        ["lost"] = SaleStatuses.Lost,
        ["3"] = SaleStatuses.Lost,
        ["abandoned"] = SaleStatuses.Lost, // GoHighLevel opportunity
        ["perdido"] = SaleStatuses.Lost,
        ["perdida"] = SaleStatuses.Lost,
    };

    /// <summary>A deal's status: won, lost, or open for anything else (a deal not known to be closed is open).</summary>
    public static string Deal(string? status) =>
        status is not null && Deals.TryGetValue(Key(status), out var normalised) ? normalised : SaleStatuses.Open;

    /// <summary>A payment's status (purchases, charges, invoices, transactions).</summary>
    public static string Payment(string source, string? status)
    {
        if (status is null)
        {
            return SaleStatuses.Pending;
        }
        if (source == "paypal" && PaypalLetters.TryGetValue(status.Trim(), out var letter))
        {
            return letter;
        }
        return Payments.TryGetValue(Key(status), out var normalised) ? normalised : SaleStatuses.Pending;
    }

    /// <summary>Whether a subscription in this status is running (its plan is the client's current plan).</summary>
    public static bool SubscriptionRunning(string? status) =>
        status is not null && Key(status) is "active" or "trialing" or "past_due" or "approved" or "ativa" or "ativo" or "started";

    /// <summary>Whether a subscription in this status has ended.</summary>
    public static bool SubscriptionEnded(string? status) =>
        status is not null && Key(status) is "canceled" or "cancelled" or "cancelled_by_customer" or "cancelled_by_seller"
            or "cancelled_by_admin" or "incomplete_expired" or "expired" or "inactive" or "cancelada" or "cancelado";

    private static string Key(string status) =>
        status.Trim().Replace(' ', '_').Replace('-', '_').ToLowerInvariant();
}
