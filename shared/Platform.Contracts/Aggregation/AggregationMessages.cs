namespace Platform.Contracts.Aggregation;

/// <summary>Published when a client's sales totals in one currency changed.</summary>
public sealed record CustomerSalesUpdated
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of what caused it.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The client.</summary>
    public required Guid ClientId { get; init; }
    /// <summary>ISO 4217 currency of every amount here (never summed across currencies).</summary>
    public required string Currency { get; init; }
    /// <summary>Deals of any status.</summary>
    public required int TotalDeals { get; init; }
    /// <summary>Deals won.</summary>
    public required int WonDeals { get; init; }
    /// <summary>Won deals plus paid purchases, charges, invoices and transactions.</summary>
    public required int TotalSales { get; init; }
    /// <summary>Revenue from won or paid records, net of refunds.</summary>
    public required decimal TotalRevenue { get; init; }
    /// <summary>Average value of a won deal or paid sale.</summary>
    public required decimal AverageDealValue { get; init; }
    /// <summary>First paid or won sale.</summary>
    public DateTimeOffset? FirstPurchaseAt { get; init; }
    /// <summary>Last paid or won sale.</summary>
    public DateTimeOffset? LastPurchaseAt { get; init; }
}

/// <summary>Published once when a client first becomes a customer-success customer.</summary>
public sealed record CustomerBecameClient
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of what caused it.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The client.</summary>
    public required Guid ClientId { get; init; }
    /// <summary>Why: <c>won_deal</c>, <c>paid_purchase</c> or <c>source_tag</c>.</summary>
    public required string Reason { get; init; }
    /// <summary>When.</summary>
    public required DateTimeOffset BecameAt { get; init; }
}
