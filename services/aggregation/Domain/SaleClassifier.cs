using Platform.Contracts.Records;

namespace Platform.Aggregation.Domain;

/// <summary>A money record as a <c>sales</c> row sees it.</summary>
internal sealed record SaleFacts
{
    public required string Kind { get; init; }
    /// <summary>The normalised status of this version as the source sent it (before refunds and disputes are applied).</summary>
    public required string BaseStatus { get; init; }
    public required string SourceStatus { get; init; }
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public string? Product { get; init; }
    /// <summary>What the record itself says was refunded (a Stripe charge's amount_refunded, a refunded Hotmart sale).</summary>
    public decimal OwnRefunded { get; init; }
    /// <summary>What the record itself says is disputed (a disputed charge, a Hotmart chargeback).</summary>
    public decimal OwnDisputed { get; init; }
    /// <summary>For a refund or chargeback: the external id of the sale it reduces (same source).</summary>
    public string? ParentRef { get; init; }
    /// <summary>For a refund or chargeback: how much it takes off the sale (0 for a failed refund or a won dispute).</summary>
    public decimal AdjustmentAmount { get; init; }
    /// <summary>The payment (Stripe payment intent) the record belongs to, when a source has several records for one payment.</summary>
    public string? PaymentRef { get; init; }
    /// <summary>The invoice the record belongs to.</summary>
    public string? InvoiceRef { get; init; }
    /// <summary>
    /// Among records of one payment, the one with the highest rank is the sale and the others are superseded (not counted
    /// twice): a Stripe charge (3) over its payment intent (2) over its checkout session or invoice (1).
    /// </summary>
    public int CoverRank { get; init; }
}

/// <summary>
/// Decides whether a record is a sale and of what kind. Deals, purchases (abandoned carts included), charges,
/// invoices and transactions are; subscriptions, contacts, companies and enrichments are not (they feed the
/// timeline and the customer-success record). A transaction is a refund or chargeback when it points at another
/// record (Stripe <c>charge_id</c>; PayPal <c>paypal_reference_id</c>), an investment deposit or withdrawal when
/// its type says so, and otherwise a payment.
/// </summary>
internal static class SaleClassifier
{
    /// <summary>numeric(18,2) holds 16 integer digits.</summary>
    private const decimal MaxAmount = 9_999_999_999_999_999.99m;

    private static readonly string[] MovementTypeKeys = ["transaction_type", "type", "tipo", "movement", "tipo_transacao", "kind"];
    private static readonly HashSet<string> DepositWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "deposit", "deposito", "depósito", "aporte", "investment", "investimento", "investido", "in",
    };
    private static readonly HashSet<string> WithdrawalWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "withdraw", "withdrawal", "saque", "resgate", "redemption", "retirada", "out",
    };

    public static SaleFacts? Classify(CanonicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var money = record.Money;
        var attributes = record.Attributes;
        switch (record.EntityType)
        {
            case EntityType.Deal:
                {
                    var status = money?.Status ?? RecordFacts.Attr(attributes, "status");
                    return Base(record, SaleKinds.Deal, StatusNormaliser.Deal(status), status ?? "");
                }
            case EntityType.Purchase:
                {
                    // An abandoned cart (Hotmart) carries no money and says so in an attribute.
                    var status = money?.Status ?? RecordFacts.Attr(attributes, "status") ?? "";
                    var sale = Payment(record, SaleKinds.Purchase, status);
                    return sale with
                    {
                        Product = sale.Product ?? RecordFacts.Attr(attributes, "product_name"),
                        PaymentRef = record.Source == "stripe" ? RecordFacts.Attr(attributes, "payment_intent_id") : null,
                        CoverRank = record.Source == "stripe" ? 1 : 0,
                    };
                }
            case EntityType.Charge when money is not null:
                {
                    var sale = Payment(record, SaleKinds.Charge, money.Status);
                    if (record.Source != "stripe")
                    {
                        return sale;
                    }
                    var isIntent = RecordFacts.Attr(attributes, "stripe_object") == "payment_intent";
                    return sale with
                    {
                        PaymentRef = isIntent ? record.ExternalId : RecordFacts.Attr(attributes, "payment_intent_id"),
                        InvoiceRef = isIntent ? null : RecordFacts.Attr(attributes, "invoice_id"),
                        CoverRank = isIntent ? 2 : 3,
                    };
                }
            case EntityType.Invoice when money is not null:
                return Payment(record, SaleKinds.Invoice, money.Status) with { InvoiceRef = record.ExternalId, CoverRank = 1 };
            case EntityType.Transaction when money is not null:
                return Transaction(record, money);
            default:
                return null;
        }
    }

    private static SaleFacts Transaction(CanonicalRecord record, MoneyFields money)
    {
        var attributes = record.Attributes;
        var parent = RecordFacts.Attr(attributes, "charge_id")
            ?? (RecordFacts.Attr(attributes, "paypal_reference_id_type") is null or "TXN" ? RecordFacts.Attr(attributes, "paypal_reference_id") : null)
            ?? RecordFacts.Attr(attributes, "original_transaction_id");
        var status = StatusNormaliser.Payment(record.Source, money.Status);
        var eventCode = RecordFacts.Attr(attributes, "transaction_event_code") ?? "";
        if (parent is not null && parent != record.ExternalId
            && (status is SaleStatuses.Refunded or SaleStatuses.Chargeback || money.Amount < 0 || eventCode.StartsWith("T11", StringComparison.Ordinal)
                || eventCode.StartsWith("T12", StringComparison.Ordinal)))
        {
            var isDispute = status == SaleStatuses.Chargeback || eventCode.StartsWith("T12", StringComparison.Ordinal);
            var sale = Base(record, isDispute ? SaleKinds.Chargeback : SaleKinds.Refund,
                isDispute ? SaleStatuses.Chargeback : SaleStatuses.Refunded, money.Status);
            return sale with
            {
                Amount = sale.Amount is { } a ? Math.Abs(a) : null,
                ParentRef = parent,
                AdjustmentAmount = TakesMoney(attributes, isDispute, eventCode) && sale.Amount is { } amount ? Math.Abs(amount) : 0m,
            };
        }
        var movement = MovementTypeKeys.Select(k => RecordFacts.Attr(attributes, k)).FirstOrDefault(v => v is not null);
        if (movement is not null && (DepositWords.Contains(movement.Trim()) || WithdrawalWords.Contains(movement.Trim())))
        {
            var sale = Payment(record, DepositWords.Contains(movement.Trim()) ? SaleKinds.Deposit : SaleKinds.Withdrawal, money.Status);
            return sale with { Amount = sale.Amount is { } a ? Math.Abs(a) : null };
        }
        return Payment(record, SaleKinds.Transaction, money.Status);
    }

    /// <summary>
    /// Whether a refund or dispute takes money off its sale: not a failed or cancelled Stripe refund, not a Stripe dispute
    /// won by the merchant or still an inquiry (warning_*), not a PayPal chargeback reversal (T1202).
    /// </summary>
    private static bool TakesMoney(IReadOnlyDictionary<string, string?> attributes, bool isDispute, string eventCode)
    {
        var stripeStatus = RecordFacts.Attr(attributes, "stripe_status") ?? "";
        if (isDispute)
        {
            return stripeStatus is not ("won" or "warning_closed" or "warning_needs_response" or "warning_under_review") && eventCode != "T1202";
        }
        return stripeStatus is not ("failed" or "canceled");
    }

    private static SaleFacts Payment(CanonicalRecord record, string kind, string status)
    {
        var normalised = StatusNormaliser.Payment(record.Source, status);
        var sale = Base(record, kind, normalised, status);
        var refunded = Clamp(record.Money?.AmountRefunded) ?? 0m;
        return sale with
        {
            OwnRefunded = normalised == SaleStatuses.Refunded && refunded == 0m ? sale.Amount ?? 0m : refunded,
            OwnDisputed = normalised == SaleStatuses.Chargeback ? sale.Amount ?? 0m : 0m,
        };
    }

    private static SaleFacts Base(CanonicalRecord record, string kind, string status, string sourceStatus)
    {
        var money = record.Money;
        var currency = money?.Currency?.Trim().ToUpperInvariant();
        return new SaleFacts
        {
            Kind = kind,
            BaseStatus = status,
            SourceStatus = sourceStatus,
            Amount = Clamp(money?.Amount),
            Currency = currency is { Length: 3 } && currency.All(char.IsAsciiLetterUpper) ? currency : null,
            OccurredAt = (money?.OccurredAt ?? record.SourceUpdatedAt).ToUniversalTime(),
            Product = money?.Product,
        };
    }

    /// <summary>Rounded to cents (numeric(18,2)); an amount too large for the column is treated as unknown.</summary>
    private static decimal? Clamp(decimal? amount) => amount is { } value && Math.Abs(value) <= MaxAmount
        ? Math.Round(value, 2, MidpointRounding.AwayFromZero)
        : null;
}
