using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Aggregation.Persistence;

namespace Platform.Aggregation.Endpoints;

/// <summary>A workspace's sales, and one sale with the source record it came from.</summary>
internal static class SalesEndpoints
{
    public static IEndpointRouteBuilder MapSalesEndpoints(this IEndpointRouteBuilder app)
    {
        var sales = app.MapGroup("/api/sales").WithTags("Sales");
        sales.MapGet("/", ListSalesAsync).WithName("ListSales");
        sales.MapGet("/{id:long}", GetSaleAsync).WithName("GetSale");
        return app;
    }

    /// <summary>Sales of a workspace, newest first, filtered by source, kind, status, currency, year (UTC) and external id.</summary>
    public static async Task<Results<Ok<PagedResponse<SaleResponse>>, ValidationProblem>> ListSalesAsync(
        string? workspaceId, string? source, string? kind, string? status, string? currency, int? year, string? externalId,
        int? page, int? pageSize, AggregationDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize);
        Paging.RequireWorkspace(errors, workspaceId, "sales");
        var code = Paging.Currency(errors, currency, required: false);
        Paging.OneOf(errors, "kind", kind, CustomerEndpoints.Kinds);
        Paging.OneOf(errors, "status", status, CustomerEndpoints.Statuses);
        if (year is < 1900 or > 2200)
        {
            errors["year"] = ["year is a calendar year such as 2024."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The sales list request is invalid");
        }
        var query = db.Sales.AsNoTracking().Where(s => s.WorkspaceId == workspaceId);
        query = source is null ? query : query.Where(s => s.Source == source);
        query = kind is null ? query : query.Where(s => s.Kind == kind);
        query = status is null ? query : query.Where(s => s.Status == status);
        query = code is null ? query : query.Where(s => s.Currency == code);
        query = externalId is null ? query : query.Where(s => s.ExternalId == externalId);
        if (year is { } y)
        {
            var start = new DateTimeOffset(y, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var end = start.AddYears(1);
            query = query.Where(s => s.OccurredAt >= start && s.OccurredAt < end);
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(s => s.OccurredAt).ThenByDescending(s => s.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<SaleResponse>(rows.Select(s => CustomerEndpoints.ToResponse(s, false)).ToList(), current, size, total));
    }

    /// <summary>One sale with the canonical record it came from.</summary>
    public static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> GetSaleAsync(long id, AggregationDbContext db, CancellationToken cancellationToken)
    {
        var sale = await db.Sales.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        return sale is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Sale not found",
                detail: $"Sale {id} does not exist. List a workspace's sales with GET /api/sales?workspaceId=....")
            : TypedResults.Ok(CustomerEndpoints.ToResponse(sale, true));
    }
}
