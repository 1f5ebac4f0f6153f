using System.Text.Json;

namespace Platform.Aggregation.Endpoints;

/// <summary>A sale: one source money record with its normalised status and what refunds and disputes left of it.</summary>
internal sealed record SaleResponse(
    long Id,
    string WorkspaceId,
    Guid? ClientId,
    string Source,
    string EntityType,
    string ExternalId,
    string Kind,
    string Status,
    string SourceStatus,
    decimal? Amount,
    string? Currency,
    decimal RefundedAmount,
    decimal DisputedAmount,
    decimal? NetAmount,
    bool CountsAsSale,
    DateTimeOffset OccurredAt,
    string? Product,
    string? Adjusts,
    string? SupersededBy,
    long RawRecordId,
    DateTimeOffset SourceUpdatedAt,
    JsonElement? Record);

/// <summary>A client's totals in one currency.</summary>
internal sealed record CustomerSalesResponse(
    string Currency,
    int TotalDeals,
    int WonDeals,
    int TotalSales,
    decimal TotalRevenue,
    decimal AverageDealValue,
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt);

/// <summary>A client's sales (a page) with its totals per currency.</summary>
internal sealed record ClientSalesResponse(
    IReadOnlyList<SaleResponse> Items, int Page, int PageSize, int Total, Guid ClientId, IReadOnlyList<CustomerSalesResponse> Totals);

internal sealed record Customer360Response(
    Guid ClientId,
    string WorkspaceId,
    string? DisplayName,
    string? Email,
    string Segment,
    string? ChurnRisk,
    decimal? Ltv,
    string? LtvCurrency,
    JsonElement LtvByCurrency,
    int PurchaseCount,
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt,
    decimal? PurchaseIntervalDays,
    decimal TotalDeposit,
    decimal TotalWithdraw,
    string? InvestmentCurrency,
    DateTimeOffset? LastActivityAt,
    bool IsCsCustomer,
    IReadOnlyList<CustomerSalesResponse> Sales,
    JsonElement Metadata,
    DateTimeOffset SegmentComputedAt,
    DateTimeOffset UpdatedAt);

internal sealed record ActivityResponse(
    long Id,
    string Type,
    string Title,
    string Source,
    string EntityType,
    string ExternalId,
    string? Status,
    decimal? Amount,
    string? Currency,
    DateTimeOffset OccurredAt,
    long RawRecordId);

/// <summary>
/// A customer-success customer as the CS team works with it: who (name, email, phone), since when and why, tags, plan,
/// the SGT company and extras, when SGT last confirmed them, the team's notes, and what the customer spent per currency
/// (net revenue, never added across currencies).
/// </summary>
internal sealed record CsCustomerResponse(
    Guid ClientId,
    string WorkspaceId,
    string? DisplayName,
    string? Email,
    string? Phone,
    string Status,
    string BecameReason,
    DateTimeOffset BecameAt,
    IReadOnlyList<string> Tags,
    string? PlanoAtual,
    string? Empresa,
    JsonElement SgtDadosExtras,
    DateTimeOffset? SgtLastSyncAt,
    IReadOnlyList<string> SgtLeadIds,
    IReadOnlyDictionary<string, decimal> TotalSpent,
    string? NotasCsm,
    DateTimeOffset? NotasCsmUpdatedAt,
    string? NotasCsmUpdatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Revenue of a year (or a client) in one currency.</summary>
internal sealed record CurrencyRevenueResponse(string Currency, int Sales, decimal Revenue, int Customers);

/// <summary>A year of sales: counts across currencies, revenue per currency (never added together).</summary>
internal sealed record SalesYearResponse(int Year, int Sales, int Customers, IReadOnlyList<CurrencyRevenueResponse> Revenue);

internal sealed record TopCustomerResponse(
    int Rank,
    Guid ClientId,
    string? DisplayName,
    string? Email,
    string Currency,
    decimal TotalRevenue,
    int TotalSales,
    decimal AverageDealValue,
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt);

internal sealed record CustomerSinceResponse(
    Guid ClientId,
    string? DisplayName,
    string? Email,
    int Sales,
    DateTimeOffset FirstSaleAt,
    DateTimeOffset LastSaleAt,
    IReadOnlyList<CurrencyRevenueResponse> Revenue);
