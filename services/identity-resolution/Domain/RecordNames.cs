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

    /// <summary>The best name the record offers: a person's full name, first and last name, or a company name.</summary>
    public static string? DisplayName(CanonicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Clean(record.Person?.FullName) is { } fullName)
        {
            return fullName;
        }
        var firstAndLast = Clean($"{Clean(record.Person?.FirstName)} {Clean(record.Person?.LastName)}");
        return firstAndLast ?? Clean(record.Company?.Name);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
