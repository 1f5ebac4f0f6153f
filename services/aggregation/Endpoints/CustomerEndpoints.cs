using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Aggregation.Domain;
using Platform.Aggregation.Persistence;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Endpoints;

/// <summary>One client's sales, 360 view and timeline (client ids are unique across workspaces).</summary>
internal static class CustomerEndpoints
{
    public static IEndpointRouteBuilder MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/customers/{clientId:guid}").WithTags("Customers");
        customers.MapGet("/sales", ListClientSalesAsync).WithName("ListClientSales");
        customers.MapGet("/360", GetCustomer360Async).WithName("GetCustomer360");
        customers.MapGet("/activities", ListActivitiesAsync).WithName("ListActivities");
        return app;
    }

    /// <summary>The client's sales, newest first, with its totals per currency; <c>includeRecord</c> adds the source record.</summary>
    public static async Task<Results<Ok<ClientSalesResponse>, ProblemHttpResult, ValidationProblem>> ListClientSalesAsync(
        Guid clientId, string? kind, string? status, string? currency, bool? includeRecord, int? page, int? pageSize,
        AggregationDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize);
        var code = Paging.Currency(errors, currency, required: false);
        Paging.OneOf(errors, "kind", kind, Kinds);
        Paging.OneOf(errors, "status", status, Statuses);
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The sales request is invalid");
        }
        if (await ClientProblemAsync(db, clientId, cancellationToken) is { } problem)
        {
            return problem;
        }
        var query = db.Sales.AsNoTracking().Where(s => s.ClientId == clientId);
        query = kind is null ? query : query.Where(s => s.Kind == kind);
        query = status is null ? query : query.Where(s => s.Status == status);
        query = code is null ? query : query.Where(s => s.Currency == code);
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(s => s.OccurredAt).ThenByDescending(s => s.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        var totals = await db.CustomerSales.AsNoTracking().Where(c => c.ClientId == clientId).OrderBy(c => c.Currency)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ClientSalesResponse(
            rows.Select(s => ToResponse(s, includeRecord == true)).ToList(), current, size, total, clientId, totals.Select(ToResponse).ToList()));
    }

    /// <summary>The client's 360 view: segment, churn risk, LTV, purchase rhythm, investments, totals per currency.</summary>
    public static async Task<Results<Ok<Customer360Response>, ProblemHttpResult>> GetCustomer360Async(
        Guid clientId, AggregationDbContext db, CancellationToken cancellationToken)
    {
        var view = await db.Customer360.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (view is null)
        {
            return await ClientProblemAsync(db, clientId, cancellationToken) ?? NotFound(clientId);
        }
        var client = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        var sales = await db.CustomerSales.AsNoTracking().Where(c => c.ClientId == clientId).OrderBy(c => c.Currency).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Customer360Response(
            view.ClientId, view.WorkspaceId, client?.DisplayName, client?.PrimaryEmail, view.Segment, view.ChurnRisk, view.Ltv,
            view.LtvCurrency, Json(view.LtvByCurrency), view.PurchaseCount, view.FirstPurchaseAt, view.LastPurchaseAt,
            view.PurchaseIntervalDays, view.TotalDeposit, view.TotalWithdraw, view.InvestmentCurrency, view.LastActivityAt,
            view.IsCsCustomer, sales.Select(ToResponse).ToList(), Json(view.Metadata), view.SegmentComputedAt, view.UpdatedAt));
    }

    /// <summary>The client's timeline, newest first, optionally of one activity type.</summary>
    public static async Task<Results<Ok<PagedResponse<ActivityResponse>>, ProblemHttpResult, ValidationProblem>> ListActivitiesAsync(
        Guid clientId, string? type, int? page, int? pageSize, AggregationDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize);
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The activities request is invalid");
        }
        if (await ClientProblemAsync(db, clientId, cancellationToken) is { } problem)
        {
            return problem;
        }
        var query = db.Activities.AsNoTracking().Where(a => a.ClientId == clientId);
        query = type is null ? query : query.Where(a => a.Type == type);
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).Skip(skip).Take(size)
            .Select(a => new ActivityResponse(a.Id, a.Type, a.Title, a.Source, a.EntityType, a.ExternalId, a.Status, a.Amount, a.Currency,
                a.OccurredAt, a.RawRecordId))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<ActivityResponse>(items, current, size, total));
    }

    /// <summary>404 for a client with no record here, naming the survivor when it was merged into another client.</summary>
    internal static async Task<ProblemHttpResult?> ClientProblemAsync(AggregationDbContext db, Guid clientId, CancellationToken cancellationToken)
    {
        if (await db.ClientRecords.AnyAsync(r => r.ClientId == clientId, cancellationToken))
        {
            return null;
        }
        var merge = await db.MergedClients.AsNoTracking().SingleOrDefaultAsync(m => m.MergedClientId == clientId, cancellationToken);
        if (merge is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Client merged",
                detail: $"Client {clientId} was merged into client {merge.SurvivorClientId}; its sales and timeline are there now.",
                extensions: new Dictionary<string, object?> { ["survivorClientId"] = merge.SurvivorClientId });
        }
        return NotFound(clientId);
    }

    private static ProblemHttpResult NotFound(Guid clientId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Client not found",
            detail: $"No linked record of client {clientId} has been aggregated. Check the id (GET /api/clients?workspaceId=...&q=... finds it), or wait for its records to be linked.");

    internal static SaleResponse ToResponse(Sale s, bool includeRecord) => new(
        s.Id, s.WorkspaceId, s.ClientId, s.Source, s.EntityType, s.ExternalId, s.Kind, s.Status, s.SourceStatus, s.Amount, s.Currency,
        s.RefundedAmount, s.DisputedAmount, s.NetAmount, s.IsCounted, s.OccurredAt, s.Product, s.ParentRef, s.SupersededBy, s.RawRecordId,
        s.SourceUpdatedAt, includeRecord ? Json(s.Record) : null);

    internal static CustomerSalesResponse ToResponse(CustomerSales c) => new(
        c.Currency, c.TotalDeals, c.WonDeals, c.TotalSales, c.TotalRevenue, c.AverageDealValue, c.FirstPurchaseAt, c.LastPurchaseAt);

    internal static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The kinds and statuses a filter may name.</summary>
    internal static readonly string[] Kinds =
    [
        SaleKinds.Deal, SaleKinds.Purchase, SaleKinds.Charge, SaleKinds.Invoice, SaleKinds.Transaction, SaleKinds.Refund,
        SaleKinds.Chargeback, SaleKinds.Deposit, SaleKinds.Withdrawal,
    ];

    internal static readonly string[] Statuses =
    [
        SaleStatuses.Open, SaleStatuses.Won, SaleStatuses.Lost, SaleStatuses.Paid, SaleStatuses.Pending, SaleStatuses.Refunded,
        SaleStatuses.PartiallyRefunded, SaleStatuses.Chargeback, SaleStatuses.Cancelled, SaleStatuses.Abandoned,
    ];
}
