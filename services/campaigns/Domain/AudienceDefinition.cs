using System.Text.Json.Serialization;

namespace Platform.Campaigns.Domain;

/// <summary>
/// A saved audience: filters over the unified customers, all of which must hold (an empty definition is everyone the
/// workspace may message). Stored as JSON in <c>audiences.definition</c> and in a workflow's audience step.
/// </summary>
internal sealed record AudienceDefinition
{
    /// <summary>Any of: lead, new, active, at_risk, churned, vip.</summary>
    public IReadOnlyList<string>? Segments { get; init; }
    /// <summary>Any of: low, medium, high (a lead has none).</summary>
    public IReadOnlyList<string>? ChurnRisk { get; init; }
    /// <summary>Lifetime value in one currency.</summary>
    public LtvRange? Ltv { get; init; }
    /// <summary>A customer-success customer (true) or not (false).</summary>
    public bool? CsCustomer { get; init; }
    /// <summary>Has any of these tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
    /// <summary>Came from any of these sources (hotmart, stripe, ploomes…).</summary>
    public IReadOnlyList<string>? Sources { get; init; }
    /// <summary>Last purchase strictly before this instant.</summary>
    public DateTimeOffset? LastPurchaseBefore { get; init; }
    /// <summary>Last purchase on or after this instant.</summary>
    public DateTimeOffset? LastPurchaseAfter { get; init; }
    public bool? HasEmail { get; init; }
    public bool? HasPhone { get; init; }
    public bool? HasWhatsapp { get; init; }

    public static readonly string[] SegmentNames = ["lead", "new", "active", "at_risk", "churned", "vip"];
    public static readonly string[] RiskNames = ["low", "medium", "high"];

    /// <summary>What is wrong with the definition, by field (prefixed with <paramref name="path"/>).</summary>
    public Dictionary<string, string[]> Validate(string path = "definition")
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var segment in Segments ?? [])
        {
            if (!SegmentNames.Contains(segment, StringComparer.Ordinal))
            {
                errors[$"{path}.segments"] = [$"segment '{segment}' is not one of: {string.Join(", ", SegmentNames)}."];
            }
        }
        foreach (var risk in ChurnRisk ?? [])
        {
            if (!RiskNames.Contains(risk, StringComparer.Ordinal))
            {
                errors[$"{path}.churnRisk"] = [$"churn risk '{risk}' is not one of: {string.Join(", ", RiskNames)}."];
            }
        }
        if (Ltv is not null)
        {
            if (Ltv.Currency is not { Length: 3 } c || !c.All(char.IsAsciiLetter))
            {
                errors[$"{path}.ltv.currency"] = [$"ltv.currency '{Ltv.Currency}' is not an ISO 4217 code (BRL, USD): lifetime value is never compared across currencies."];
            }
            if (Ltv.Min is null && Ltv.Max is null)
            {
                errors[$"{path}.ltv"] = ["ltv needs min, max or both."];
            }
            if (Ltv.Min > Ltv.Max)
            {
                errors[$"{path}.ltv"] = [$"ltv.min ({Ltv.Min}) is above ltv.max ({Ltv.Max})."];
            }
        }
        if (LastPurchaseAfter is not null && LastPurchaseBefore is not null && LastPurchaseAfter >= LastPurchaseBefore)
        {
            errors[$"{path}.lastPurchaseAfter"] = ["lastPurchaseAfter must be before lastPurchaseBefore: no purchase date is in that range."];
        }
        return errors;
    }
}

/// <summary>A lifetime-value range in one currency (bounds inclusive).</summary>
internal sealed record LtvRange
{
    [JsonRequired]
    public string Currency { get; init; } = "";
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
}
