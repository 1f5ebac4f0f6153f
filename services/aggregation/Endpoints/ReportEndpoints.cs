using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Aggregation.Persistence;

namespace Platform.Aggregation.Endpoints;

/// <summary>The reports the sales team uses to check that an import is complete.</summary>
internal static class ReportEndpoints
{
    private const int DefaultTop = 10;
    private const int MaxTop = 100;

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports");
        reports.MapGet("/sales-per-year", SalesPerYearAsync).WithName("SalesPerYear");
        reports.MapGet("/top-customers", TopCustomersAsync).WithName("TopCustomers");
        reports.MapGet("/customers-with-sales-since", CustomersWithSalesSinceAsync).WithName("CustomersWithSalesSince");
        return app;
    }

    /// <summary>
    /// Per year (in <c>timeZone</c>, UTC by default): counted sales, distinct customers, and revenue per currency. Optional
    /// <c>source</c> and <c>currency</c> filters.
    /// </summary>
    public static async Task<Results<Ok<PagedResponse<SalesYearResponse>>, ValidationProblem>> SalesPerYearAsync(
        string? workspaceId, string? source, string? currency, string? timeZone, int? page, int? pageSize, Reports reports,
        CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize);
        Paging.RequireWorkspace(errors, workspaceId, "reports");
        var code = Paging.Currency(errors, currency, required: false);
        var zone = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) || !found.HasIanaId)
        {
            errors["timeZone"] = [$"timeZone '{timeZone}' is not a time zone; use an IANA name such as America/Sao_Paulo (UTC by default)."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The sales-per-year request is invalid");
        }
        var (years, byCurrency) = await reports.SalesPerYearAsync(workspaceId!, source, code, zone, cancellationToken);
        var items = years.Select(y => new SalesYearResponse(y.Year, y.Sales, y.Customers,
            byCurrency.Where(c => c.Year == y.Year).Select(c => new CurrencyRevenueResponse(c.Currency, c.Sales, c.Revenue, c.Customers)).ToList()))
            .ToList();
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        return TypedResults.Ok(new PagedResponse<SalesYearResponse>(items.Skip(skip).Take(size).ToList(), current, size, items.Count));
    }

    /// <summary>Customers ranked by revenue in one currency (required: revenue in different currencies is never compared).</summary>
    public static async Task<Results<Ok<PagedResponse<TopCustomerResponse>>, ValidationProblem>> TopCustomersAsync(
        string? workspaceId, string? currency, int? limit, int? page, Reports reports, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, null);
        Paging.RequireWorkspace(errors, workspaceId, "reports");
        var code = Paging.Currency(errors, currency, required: true);
        if (limit is < 1 or > MaxTop)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxTop} (default {DefaultTop})."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The top-customers request is invalid");
        }
        var (current, size, skip) = Paging.Resolve(page, limit, DefaultTop);
        var (rows, total) = await reports.TopCustomersAsync(workspaceId!, code!, skip, size, cancellationToken);
        var items = rows.Select((r, i) => new TopCustomerResponse(skip + i + 1, r.ClientId, r.DisplayName, r.Email, code!, r.TotalRevenue,
            r.TotalSales, r.AverageDealValue, r.FirstPurchaseAt, r.LastPurchaseAt)).ToList();
        return TypedResults.Ok(new PagedResponse<TopCustomerResponse>(items, current, size, total));
    }

    /// <summary>Customers with at least one counted sale at or after <c>since</c>, most recent first, with their revenue per currency since then.</summary>
    public static async Task<Results<Ok<PagedResponse<CustomerSinceResponse>>, ValidationProblem>> CustomersWithSalesSinceAsync(
        string? workspaceId, string? since, string? source, string? currency, int? page, int? pageSize, Reports reports,
        CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize);
        Paging.RequireWorkspace(errors, workspaceId, "reports");
        var from = Paging.Instant(errors, "since", since, required: true);
        var code = Paging.Currency(errors, currency, required: false);
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The customers-with-sales-since request is invalid");
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var (rows, revenue, total) = await reports.CustomersWithSalesSinceAsync(workspaceId!, from!.Value, source, code, skip, size, cancellationToken);
        var byClient = revenue.ToLookup(r => r.ClientId);
        var items = rows.Select(r => new CustomerSinceResponse(r.ClientId, r.DisplayName, r.Email, r.Sales, r.FirstSaleAt, r.LastSaleAt,
            byClient[r.ClientId].Select(c => new CurrencyRevenueResponse(c.Currency, c.Sales, c.Revenue, 1)).ToList())).ToList();
        return TypedResults.Ok(new PagedResponse<CustomerSinceResponse>(items, current, size, total));
    }
}
