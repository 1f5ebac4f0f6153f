namespace Platform.Aggregation.Persistence.Entities;

/// <summary>A client's 360 view (table <c>customer_360</c>).</summary>
internal sealed class Customer360
{
    public Guid ClientId { get; set; }
    public string WorkspaceId { get; set; } = "";
    /// <summary><c>lead</c>, <c>new</c>, <c>active</c>, <c>at_risk</c>, <c>churned</c> or <c>vip</c>.</summary>
    public string Segment { get; set; } = "";
    /// <summary><c>low</c>, <c>medium</c> or <c>high</c>; null for a lead.</summary>
    public string? ChurnRisk { get; set; }
    public decimal? Ltv { get; set; }
    public string? LtvCurrency { get; set; }
    public string LtvByCurrency { get; set; } = "{}";
    public int PurchaseCount { get; set; }
    public DateTimeOffset? FirstPurchaseAt { get; set; }
    public DateTimeOffset? LastPurchaseAt { get; set; }
    public decimal? PurchaseIntervalDays { get; set; }
    public decimal TotalDeposit { get; set; }
    public decimal TotalWithdraw { get; set; }
    public string? InvestmentCurrency { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }
    public bool IsCsCustomer { get; set; }
    public string Metadata { get; set; } = "{}";
    public DateTimeOffset SegmentComputedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
