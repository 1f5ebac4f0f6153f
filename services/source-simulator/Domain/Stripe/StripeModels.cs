using Platform.SourceSimulator.Domain.People;

namespace Platform.SourceSimulator.Domain.Stripe;

/// <summary>What every Stripe object has: an id with its type's prefix and a creation time (Unix seconds).</summary>
internal abstract class StripeObject
{
    public required string Id { get; init; }

    public long Created { get; set; }
}

internal sealed class StripeCustomer : StripeObject
{
    public required Person Person { get; init; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public PostalAddress? Address { get; set; }
    public string? Cpf { get; set; }
    public required string InvoicePrefix { get; init; }
    public int NextInvoiceSequence { get; set; } = 1;
    public bool Delinquent { get; set; }
}

internal sealed class StripeCharge : StripeObject
{
    public required StripeCustomer Customer { get; init; }
    public required string PaymentIntentId { get; init; }
    public required string PaymentMethodId { get; init; }
    public long Amount { get; set; }
    public required string Currency { get; init; }

    /// <summary>succeeded, pending or failed.</summary>
    public required string Status { get; set; }

    /// <summary>card, boleto or pix.</summary>
    public required string Method { get; init; }
    public string CardBrand { get; init; } = "visa";
    public string Last4 { get; init; } = "4242";
    public int ExpMonth { get; init; }
    public int ExpYear { get; init; }
    public int Installments { get; init; } = 1;
    public required string Description { get; init; }
    public string? BalanceTransaction { get; set; }
    public long AmountRefunded { get; set; }
    public bool Disputed { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public string? BillingName { get; init; }
    public string? BillingEmail { get; init; }
    public string? BillingPhone { get; init; }
    public required string ReceiptToken { get; init; }
    public bool Refunded => Amount > 0 && AmountRefunded >= Amount;
}

/// <summary>One per charge: its state follows the charge's.</summary>
internal sealed class StripePaymentIntent : StripeObject
{
    public required StripeCharge Charge { get; init; }
    public required string SecretSuffix { get; init; }

    public string Status => Charge.Status switch
    {
        "succeeded" => "succeeded",
        "pending" => "processing",
        _ => "requires_payment_method",
    };
}

internal sealed record StripePrice(string Id, string ProductId, string ProductName, long UnitAmount, string Interval);

internal sealed class StripeSubscription : StripeObject
{
    public required StripeCustomer Customer { get; init; }
    public required StripePrice Price { get; init; }
    public required string ItemId { get; init; }

    /// <summary>incomplete, incomplete_expired, trialing, active, past_due, canceled, unpaid or paused.</summary>
    public required string Status { get; set; }
    public long StartDate { get; init; }
    public long CurrentPeriodStart { get; set; }
    public long CurrentPeriodEnd { get; set; }
    public long? CanceledAt { get; set; }
    public long? EndedAt { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public long? TrialStart { get; init; }
    public long? TrialEnd { get; init; }
    public string? LatestInvoiceId { get; set; }
}

internal sealed class StripeInvoice : StripeObject
{
    public required StripeCustomer Customer { get; init; }
    public StripeSubscription? Subscription { get; init; }
    public required string LineId { get; init; }
    public required string Number { get; init; }
    public required string Description { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }

    /// <summary>draft, open, paid, uncollectible or void.</summary>
    public required string Status { get; set; }
    public long PeriodStart { get; init; }
    public long PeriodEnd { get; init; }
    public long? FinalizedAt { get; set; }
    public long? PaidAt { get; set; }
    public long? VoidedAt { get; set; }
    public long? MarkedUncollectibleAt { get; set; }
    public int AttemptCount { get; set; }
}

internal sealed class StripeRefund : StripeObject
{
    public required StripeCharge Charge { get; init; }
    public long Amount { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
}

internal sealed class StripeDispute : StripeObject
{
    public required StripeCharge Charge { get; init; }
    public long Amount { get; init; }
    public required string Status { get; set; }
    public required string Reason { get; init; }
    public long DueBy { get; init; }
}

/// <summary>
/// An event. Events of the generated history render their object as it is now; events of changes made at run time
/// keep the object as it was when the change happened (<see cref="Snapshot"/>), as Stripe's do.
/// </summary>
internal sealed class StripeEvent : StripeObject
{
    public required string Type { get; init; }
    public required StripeObject Subject { get; init; }
    public string? Snapshot { get; init; }
    public IReadOnlyDictionary<string, object?>? PreviousAttributes { get; init; }
}
