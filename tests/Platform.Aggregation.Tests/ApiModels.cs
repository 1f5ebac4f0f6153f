using System.Text.Json;

namespace Platform.Aggregation.Tests;

// The HTTP API as a client reads it (deliberately not the service's own types, so a renamed field fails).

public sealed record PageDto<T>(List<T> Items, int Page, int PageSize, int Total);

public sealed record SaleDto(
    long Id, string WorkspaceId, Guid? ClientId, string Source, string EntityType, string ExternalId, string Kind, string Status,
    string SourceStatus, decimal? Amount, string? Currency, decimal RefundedAmount, decimal DisputedAmount, decimal? NetAmount,
    bool CountsAsSale, DateTimeOffset OccurredAt, string? Product, string? Adjusts, string? SupersededBy, long RawRecordId,
    DateTimeOffset SourceUpdatedAt, JsonElement? Record);

public sealed record CustomerSalesDto(
    string Currency, int TotalDeals, int WonDeals, int TotalSales, decimal TotalRevenue, decimal AverageDealValue,
    DateTimeOffset? FirstPurchaseAt, DateTimeOffset? LastPurchaseAt);

public sealed record ClientSalesDto(List<SaleDto> Items, int Page, int PageSize, int Total, Guid ClientId, List<CustomerSalesDto> Totals);

public sealed record Customer360Dto(
    Guid ClientId, string WorkspaceId, string? DisplayName, string? Email, string Segment, string? ChurnRisk, decimal? Ltv,
    string? LtvCurrency, Dictionary<string, decimal> LtvByCurrency, int PurchaseCount, DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt, decimal? PurchaseIntervalDays, decimal TotalDeposit, decimal TotalWithdraw, string? InvestmentCurrency,
    DateTimeOffset? LastActivityAt, bool IsCsCustomer, List<CustomerSalesDto> Sales, JsonElement Metadata, DateTimeOffset SegmentComputedAt,
    DateTimeOffset UpdatedAt);

public sealed record ActivityDto(
    long Id, string Type, string Title, string Source, string EntityType, string ExternalId, string? Status, decimal? Amount,
    string? Currency, DateTimeOffset OccurredAt, long RawRecordId);

public sealed record CsCustomerDto(
    Guid ClientId, string WorkspaceId, string? DisplayName, string? Email, string? Phone, string Status, string BecameReason,
    DateTimeOffset BecameAt, List<string> Tags, string? PlanoAtual, string? Empresa, JsonElement SgtDadosExtras, DateTimeOffset? SgtLastSyncAt,
    List<string> SgtLeadIds, Dictionary<string, decimal> TotalSpent, string? NotasCsm, DateTimeOffset? NotasCsmUpdatedAt, string? NotasCsmUpdatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CurrencyRevenueDto(string Currency, int Sales, decimal Revenue, int Customers);

public sealed record SalesYearDto(int Year, int Sales, int Customers, List<CurrencyRevenueDto> Revenue);

public sealed record TopCustomerDto(
    int Rank, Guid ClientId, string? DisplayName, string? Email, string Currency, decimal TotalRevenue, int TotalSales,
    decimal AverageDealValue, DateTimeOffset? FirstPurchaseAt, DateTimeOffset? LastPurchaseAt);

public sealed record CustomerSinceDto(
    Guid ClientId, string? DisplayName, string? Email, int Sales, DateTimeOffset FirstSaleAt, DateTimeOffset LastSaleAt,
    List<CurrencyRevenueDto> Revenue);

public sealed record ProblemDto(string? Title, int? Status, string? Detail, Dictionary<string, string[]>? Errors);
