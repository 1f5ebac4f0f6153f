using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain;

/// <summary>How a canonical record's fields read in this service's tables and events.</summary>
internal static class RecordNames
{
    /// <summary>The entity type as stored: <c>contact</c>, <c>charge</c>… (every value is one word).</summary>
    public static string EntityTypeName(EntityType entityType) => entityType switch
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
        _ => throw new ArgumentOutOfRangeException(nameof(entityType), entityType, "Unknown entity type."),
    };
}
