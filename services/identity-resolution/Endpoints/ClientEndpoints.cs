using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain;
using Platform.IdentityResolution.Persistence;

namespace Platform.IdentityResolution.Endpoints;

internal static class ClientEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/api/clients").WithTags("Clients");
        clients.MapGet("/{id:guid}", GetClientAsync).WithName("GetClient");
        clients.MapGet("/", ListClientsAsync).WithName("ListClients");
        return app;
    }

    public static async Task<Results<Ok<ClientResponse>, ProblemHttpResult>> GetClientAsync(
        Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var client = await db.Clients
            .AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new
            {
                Client = c,
                Identifiers = c.Identifiers.Select(i => new { i.Kind, i.Value, i.FirstSeenAt, i.Id }).ToList(),
                Records = c.Records
                    .OrderBy(r => r.LinkedAt).ThenBy(r => r.Id)
                    .Select(r => new ClientRecordResponse(r.Source, r.EntityType, r.ExternalId, r.RawRecordId, r.LinkedAt))
                    .ToList(),
            })
            .AsSplitQuery()
            .SingleOrDefaultAsync(cancellationToken);
        if (client is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Client not found",
                detail: $"Client {id} was not found. Check the id, or find the client with GET /api/clients?workspaceId=...&email=....");
        }

        var c = client.Client;
        var identifiers = client.Identifiers
            .OrderBy(i => IdentifierNormalizer.Priority(i.Kind)).ThenBy(i => i.FirstSeenAt).ThenBy(i => i.Id)
            .Select(i => new IdentifierResponse(i.Kind, i.Value))
            .ToList();
        return TypedResults.Ok(new ClientResponse(
            c.Id, c.WorkspaceId, c.Kind, c.DisplayName, c.PrimaryEmail, c.PrimaryPhone, c.Version,
            identifiers, client.Records, c.CreatedAt, c.UpdatedAt));
    }

    public static async Task<Results<Ok<PagedResponse<ClientSummaryResponse>>, ValidationProblem>> ListClientsAsync(
        string? workspaceId,
        string? email,
        int? page,
        int? pageSize,
        IdentityDbContext db,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(workspaceId))
        {
            errors["workspaceId"] = ["The workspaceId query parameter is required: clients are listed one workspace at a time."];
        }
        if (page is < 1)
        {
            errors["page"] = ["page starts at 1."];
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(
                errors,
                title: "The client list request is invalid",
                detail: string.Join(" ", errors.Values.SelectMany(e => e)));
        }

        var query = db.Clients.AsNoTracking().Where(c => c.WorkspaceId == workspaceId);
        if (!string.IsNullOrWhiteSpace(email))
        {
            // Searched as stored: an address the normaliser rejects cannot match anything.
            var normalized = IdentifierNormalizer.NormalizeEmail(email) ?? email;
            query = query.Where(c => c.Identifiers.Any(i => i.Kind == IdentifierKinds.Email && i.Value == normalized));
        }

        var currentPage = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Skip((currentPage - 1) * size)
            .Take(size)
            .Select(c => new ClientSummaryResponse(
                c.Id, c.WorkspaceId, c.Kind, c.DisplayName, c.PrimaryEmail, c.PrimaryPhone, c.Version, c.CreatedAt, c.UpdatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<ClientSummaryResponse>(items, currentPage, size, total));
    }
}
