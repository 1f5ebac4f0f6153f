namespace Platform.Aggregation.Persistence.Entities;

/// <summary>A client's sales totals in one currency (table <c>customer_sales</c>).</summary>
internal sealed class CustomerSales
{
    public Guid ClientId { get; set; }
    public string Currency { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public int TotalDeals { get; set; }
    public int WonDeals { get; set; }
    public int TotalSales { get; set; }
    public decimal TotalRevenue { get; set; }
    public decimal AverageDealValue { get; set; }
    public DateTimeOffset? FirstPurchaseAt { get; set; }
    public DateTimeOffset? LastPurchaseAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
