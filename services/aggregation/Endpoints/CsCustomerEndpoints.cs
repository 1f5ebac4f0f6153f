using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Aggregation.Persistence;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Endpoints;

/// <summary>The CS team's notes on a customer; null or blank clears them.</summary>
internal sealed record CsNotesRequest(string? NotasCsm);

/// <summary>The customer-success list: clients that bought, won a deal or are marked customers by a source.</summary>
internal static class CsCustomerEndpoints
{
    public const int MaxNotesLength = 10_000;

    private static readonly string[] Statuses = ["active", "inactive"];

    public static IEndpointRouteBuilder MapCsCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var cs = app.MapGroup("/api/cs-customers").WithTags("Customer success");
        cs.MapGet("/", ListCsCustomersAsync).WithName("ListCsCustomers");
        cs.MapGet("/{clientId:guid}", GetCsCustomerAsync).WithName("GetCsCustomer");
        cs.MapPut("/{clientId:guid}/notes", UpdateNotesAsync).WithName("UpdateCsCustomerNotes");
        return app;
    }

    /// <summary>
    /// Customers of a workspace, newest first, filtered by status (active, inactive), company (the SGT empresa), plano
    /// (plan, any case), perfil (SGT irpf_perfil_investidor, any case), clienteStatus (SGT cliente_status), tag (exact),
    /// syncedSince / syncedBefore (sgt_last_sync_at) and q (name or email contains).
    /// </summary>
    public static async Task<Results<Ok<PagedResponse<CsCustomerResponse>>, ValidationProblem>> ListCsCustomersAsync(
        string? workspaceId, string? status, string? company, string? tag, string? plano, string? perfil, string? clienteStatus,
        string? syncedSince, string? syncedBefore, string? q, int? page, int? pageSize, AggregationDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(page, pageSize);
        Paging.RequireWorkspace(errors, workspaceId, "customer-success customers");
        Paging.OneOf(errors, "status", status, Statuses);
        var since = Paging.Instant(errors, "syncedSince", syncedSince, required: false);
        var before = Paging.Instant(errors, "syncedBefore", syncedBefore, required: false);
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The customer-success list request is invalid");
        }
        var profile = Blank(perfil);
        var clientStatus = Blank(clienteStatus);
        // The extras are jsonb: their filters are SQL; everything else composes on top.
        var customers = db.CsCustomers.FromSql($"""
            select * from aggregation.cs_customers
            where workspace_id = {workspaceId}
              and ({profile}::text is null or lower(sgt_dados_extras->>'irpf_perfil_investidor') = lower({profile}::text))
              and ({clientStatus}::text is null or lower(sgt_dados_extras->>'cliente_status') = lower({clientStatus}::text))
            """).AsNoTracking();
        var query =
            from c in customers
            join k in db.Clients.AsNoTracking() on c.ClientId equals k.ClientId into known
            from k in known.DefaultIfEmpty()
            select new { Customer = c, Client = k };
        query = status is null ? query : query.Where(x => x.Customer.Status == status);
        if (Blank(company) is { } empresa)
        {
            var wanted = empresa.ToLowerInvariant();
            query = query.Where(x => x.Customer.Empresa == wanted);
        }
        if (Blank(tag) is { } wantedTag)
        {
            query = query.Where(x => x.Customer.Tags.Contains(wantedTag));
        }
        if (Blank(plano) is { } plan)
        {
            var pattern = Escape(plan);
            query = query.Where(x => x.Customer.PlanoAtual != null && EF.Functions.ILike(x.Customer.PlanoAtual, pattern));
        }
        if (since is { } from)
        {
            query = query.Where(x => x.Customer.SgtLastSyncAt >= from);
        }
        if (before is { } to)
        {
            query = query.Where(x => x.Customer.SgtLastSyncAt < to);
        }
        if (Blank(q) is { } text)
        {
            var pattern = "%" + Escape(text) + "%";
            query = query.Where(x => x.Client != null
                && ((x.Client.DisplayName != null && EF.Functions.ILike(x.Client.DisplayName, pattern))
                    || (x.Client.PrimaryEmail != null && EF.Functions.ILike(x.Client.PrimaryEmail, pattern))));
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(x => x.Customer.BecameAt).ThenBy(x => x.Customer.ClientId).Skip(skip).Take(size)
            .ToListAsync(cancellationToken);
        var details = await DetailsAsync(db, rows.Select(x => x.Customer.ClientId).ToList(), cancellationToken);
        return TypedResults.Ok(new PagedResponse<CsCustomerResponse>(
            rows.Select(x => ToResponse(x.Customer, x.Client, details)).ToList(), current, size, total));
    }

    public static async Task<Results<Ok<CsCustomerResponse>, ProblemHttpResult>> GetCsCustomerAsync(
        Guid clientId, AggregationDbContext db, CancellationToken cancellationToken)
    {
        var customer = await db.CsCustomers.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (customer is null)
        {
            return await NotACustomerAsync(db, clientId, cancellationToken);
        }
        var client = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        return TypedResults.Ok(ToResponse(customer, client, await DetailsAsync(db, [clientId], cancellationToken)));
    }

    /// <summary>Sets the CS team's notes (<c>notas_csm</c>), with who and when; syncs never overwrite them.</summary>
    public static async Task<Results<Ok<CsCustomerResponse>, ValidationProblem, ProblemHttpResult>> UpdateNotesAsync(
        Guid clientId, CsNotesRequest request, AggregationDbContext db, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(http);
        if (request.NotasCsm is { Length: > MaxNotesLength } notes)
        {
            return Paging.Invalid(new Dictionary<string, string[]>
            {
                ["notasCsm"] = [$"notasCsm has {notes.Length:N0} characters; the most a note can hold is {MaxNotesLength:N0}."],
            }, "The notes are too long");
        }
        var text = Blank(request.NotasCsm) is null ? null : request.NotasCsm;
        var who = http.Request.Headers["X-Operator"].ToString() is { Length: > 0 } name ? name : null;
        var changed = await db.CsCustomers.Where(c => c.ClientId == clientId).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.NotasCsm, text)
            .SetProperty(c => c.NotasCsmUpdatedAt, clock.GetUtcNow())
            .SetProperty(c => c.NotasCsmUpdatedBy, who), cancellationToken);
        if (changed == 0)
        {
            return await NotACustomerAsync(db, clientId, cancellationToken);
        }
        var customer = await db.CsCustomers.AsNoTracking().SingleAsync(c => c.ClientId == clientId, cancellationToken);
        var client = await db.Clients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        return TypedResults.Ok(ToResponse(customer, client, await DetailsAsync(db, [clientId], cancellationToken)));
    }

    private sealed record Details(ILookup<Guid, string> SgtLeadIds, ILookup<Guid, (string Currency, decimal Revenue)> Spent);

    /// <summary>The SGT lead ids and the net revenue per currency of the customers on a page.</summary>
    private static async Task<Details> DetailsAsync(AggregationDbContext db, List<Guid> clientIds, CancellationToken cancellationToken)
    {
        var leads = await db.ClientRecords.AsNoTracking()
            .Where(r => r.ClientId != null && clientIds.Contains(r.ClientId.Value) && r.Source == "sgt")
            .OrderBy(r => r.ExternalId)
            .Select(r => new { ClientId = r.ClientId!.Value, r.ExternalId })
            .ToListAsync(cancellationToken);
        var spent = await db.CustomerSales.AsNoTracking()
            .Where(s => clientIds.Contains(s.ClientId))
            .OrderBy(s => s.Currency)
            .Select(s => new { s.ClientId, s.Currency, s.TotalRevenue })
            .ToListAsync(cancellationToken);
        return new Details(
            leads.ToLookup(l => l.ClientId, l => l.ExternalId),
            spent.ToLookup(s => s.ClientId, s => (s.Currency, s.TotalRevenue)));
    }

    private static async Task<ProblemHttpResult> NotACustomerAsync(AggregationDbContext db, Guid clientId, CancellationToken cancellationToken) =>
        await CustomerEndpoints.ClientProblemAsync(db, clientId, cancellationToken)
            ?? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not a customer-success customer",
                detail: $"Client {clientId} has no won deal, no paid sale and no source marks it a customer yet.");

    private static CsCustomerResponse ToResponse(CsCustomer c, KnownClient? k, Details details) => new(
        c.ClientId, c.WorkspaceId, k?.DisplayName, k?.PrimaryEmail, k?.PrimaryPhone, c.Status, c.BecameReason, c.BecameAt, c.Tags,
        c.PlanoAtual, c.Empresa, CustomerEndpoints.Json(c.SgtDadosExtras), c.SgtLastSyncAt, details.SgtLeadIds[c.ClientId].Distinct().ToList(),
        details.Spent[c.ClientId].ToDictionary(s => s.Currency, s => s.Revenue), c.NotasCsm, c.NotasCsmUpdatedAt, c.NotasCsmUpdatedBy,
        c.CreatedAt, c.UpdatedAt);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
