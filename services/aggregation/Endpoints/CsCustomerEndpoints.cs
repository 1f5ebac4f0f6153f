using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Aggregation.Persistence;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Endpoints;

/// <summary>The customer-success list: clients that bought, won a deal or are marked customers by a source.</summary>
internal static class CsCustomerEndpoints
{
    private static readonly string[] Statuses = ["active", "inactive"];

    public static IEndpointRouteBuilder MapCsCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var cs = app.MapGroup("/api/cs-customers").WithTags("Customer success");
        cs.MapGet("/", ListCsCustomersAsync).WithName("ListCsCustomers");
        cs.MapGet("/{clientId:guid}", GetCsCustomerAsync).WithName("GetCsCustomer");
        return app;
    }

    /// <summary>
    /// Customers of a workspace, newest first, filtered by status (active, inactive), tag (exact), plano (plan, any case)
    /// and q (name or email contains).
    /// </summary>
    public static async Task<Results<Ok<PagedResponse<CsCustomerResponse>>, ValidationProblem>> ListCsCustomersAsync(
        string? workspaceId, string? status, string? tag, string? plano, string? q, int? page, int? pageSize,
        AggregationDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize);
        Paging.RequireWorkspace(errors, workspaceId, "customer-success customers");
        Paging.OneOf(errors, "status", status, Statuses);
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The customer-success list request is invalid");
        }
        var query =
            from c in db.CsCustomers.AsNoTracking()
            where c.WorkspaceId == workspaceId
            join k in db.Clients.AsNoTracking() on c.ClientId equals k.ClientId into known
            from k in known.DefaultIfEmpty()
            select new { Customer = c, Client = k };
        query = status is null ? query : query.Where(x => x.Customer.Status == status);
        if (!string.IsNullOrWhiteSpace(tag))
        {
            var wanted = tag.Trim();
            query = query.Where(x => x.Customer.Tags.Contains(wanted));
        }
        if (!string.IsNullOrWhiteSpace(plano))
        {
            var pattern = Escape(plano.Trim());
            query = query.Where(x => x.Customer.PlanoAtual != null && EF.Functions.ILike(x.Customer.PlanoAtual, pattern));
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + Escape(q.Trim()) + "%";
            query = query.Where(x => x.Client != null
                && ((x.Client.DisplayName != null && EF.Functions.ILike(x.Client.DisplayName, pattern))
                    || (x.Client.PrimaryEmail != null && EF.Functions.ILike(x.Client.PrimaryEmail, pattern))));
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(x => x.Customer.BecameAt).ThenBy(x => x.Customer.ClientId).Skip(skip).Take(size)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<CsCustomerResponse>(rows.Select(x => ToResponse(x.Customer, x.Client)).ToList(), current, size, total));
    }

    public static async Task<Results<Ok<CsCustomerResponse>, ProblemHttpResult>> GetCsCustomerAsync(
        Guid clientId, AggregationDbContext db, CancellationToken cancellationToken)
    {
        var customer = await db.CsCustomers.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (customer is null)
        {
            return await CustomerEndpoints.ClientProblemAsync(db, clientId, cancellationToken)
                ?? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not a customer-success customer",
                    detail: $"Client {clientId} has no won deal, no paid sale and no source marks it a customer yet.");
        }
        var client = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        return TypedResults.Ok(ToResponse(customer, client));
    }

    private static CsCustomerResponse ToResponse(CsCustomer c, KnownClient? k) => new(
        c.ClientId, c.WorkspaceId, k?.DisplayName, k?.PrimaryEmail, k?.PrimaryPhone, c.Status, c.BecameReason, c.BecameAt, c.Tags,
        c.PlanoAtual, CustomerEndpoints.Json(c.SgtDadosExtras), c.SgtLastSyncAt, c.CreatedAt, c.UpdatedAt);

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
