using Platform.Contracts.Records;

namespace Platform.Aggregation.Domain;

/// <summary>The words stored in the <c>sales</c> and <c>customer_activities</c> tables.</summary>
internal static class SaleKinds
{
    public const string Deal = "deal";
    public const string Purchase = "purchase";
    public const string Charge = "charge";
    public const string Invoice = "invoice";
    /// <summary>A payment that is a transaction (PayPal), not a refund, dispute or investment movement.</summary>
    public const string Transaction = "transaction";
    /// <summary>A refund pointing at the sale it reduces.</summary>
    public const string Refund = "refund";
    /// <summary>A dispute or chargeback pointing at the sale it reduces.</summary>
    public const string Chargeback = "chargeback";
    /// <summary>Money a client put in (investment platforms); never revenue.</summary>
    public const string Deposit = "deposit";
    /// <summary>Money a client took out (investment platforms); never revenue.</summary>
    public const string Withdrawal = "withdrawal";
}

/// <summary>Normalised statuses: deals open/won/lost; payments the rest.</summary>
internal static class SaleStatuses
{
    public const string Open = "open";
    public const string Won = "won";
    public const string Lost = "lost";
    public const string Paid = "paid";
    public const string Pending = "pending";
    public const string Refunded = "refunded";
    public const string PartiallyRefunded = "partially_refunded";
    public const string Chargeback = "chargeback";
    public const string Cancelled = "cancelled";
    public const string Abandoned = "abandoned";
}

/// <summary>Kebab-case entity type names, as identity resolution and <c>ClientSplit</c> spell them.</summary>
internal static class EntityTypeNames
{
    public static string Of(EntityType entityType) => entityType switch
    {
        EntityType.Contact => "contact",
        EntityType.Company => "company",
        EntityType.Deal => "deal",
        EntityType.Purchase => "purchase",
        EntityType.Charge => "charge",
        EntityType.Invoice => "invoice",
        EntityType.Subscription => "subscription",
        EntityType.Transaction => "transaction",
        EntityType.Enrichment => "enrichment",
        _ => entityType.ToString().ToLowerInvariant(),
    };
}
