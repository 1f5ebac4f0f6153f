using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.IdentityResolution.Persistence;
using Platform.IdentityResolution.Persistence.Entities;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Callers;

namespace Platform.IdentityResolution.Endpoints;

internal static class ConflictEndpoints
{
    public static IEndpointRouteBuilder MapConflictEndpoints(this IEndpointRouteBuilder app)
    {
        var conflicts = app.MapGroup("/api/conflicts").WithTags("Conflicts");
        conflicts.MapGet("/", ListConflictsAsync).WithName("ListConflicts");
        conflicts.MapGet("/{id:guid}", GetConflictAsync).WithName("GetConflict");
        conflicts.MapPost("/{id:guid}/resolve", ResolveConflictAsync).WithName("ResolveConflict");
        return app;
    }

    /// <summary>Conflicts of a workspace, oldest first; open ones unless <c>status</c> says otherwise.</summary>
    public static async Task<Results<Ok<PagedResponse<ConflictResponse>>, ValidationProblem>> ListConflictsAsync(
        string? workspaceId, string? status, Guid? clientId, int? page, int? pageSize, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "conflicts");
        if (status is not null and not (ConflictStatuses.Open or ConflictStatuses.Merged or ConflictStatuses.KeptApart or ConflictStatuses.Superseded or "all"))
        {
            errors["status"] = ["status is open (the default), merged, kept_apart, superseded or all."];
        }
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The conflict list request is invalid");
        }
        var query = db.MergeConflicts.AsNoTracking().Where(c => c.WorkspaceId == workspaceId);
        if (status != "all")
        {
            query = query.Where(c => c.Status == (status ?? ConflictStatuses.Open));
        }
        if (clientId is { } client)
        {
            query = query.Where(c => c.ClientAId == client || c.ClientBId == client);
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<ConflictResponse>(items.Select(ToResponse).ToList(), current, size, total));
    }

    public static async Task<Results<Ok<ConflictResponse>, ProblemHttpResult>> GetConflictAsync(
        Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var conflict = await db.MergeConflicts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return conflict is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Conflict not found",
                detail: $"Conflict {id} was not found. List them with GET /api/conflicts?workspaceId=....")
            : TypedResults.Ok(ToResponse(conflict));
    }

    /// <summary>
    /// <c>merge</c>: the two clients become one, whatever the limits say. <c>keep_apart</c>: they are never
    /// merged automatically. Either way the decision is stored and re-applied on every recompute.
    /// </summary>
    public static async Task<Results<Ok<OperatorActionResponse>, ProblemHttpResult, ValidationProblem>> ResolveConflictAsync(
        Guid id, ResolveConflictRequest request, IdentityResolver resolver, IPublishEndpoint publish, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.Decision is not ("merge" or "keep_apart"))
        {
            return Paging.Invalid(new() { ["decision"] = ["decision is \"merge\" (merge the two clients anyway) or \"keep_apart\"."] },
                "The conflict resolution is invalid");
        }
        var outcome = await resolver.ResolveConflictAsync(id, request.Decision == "merge", request.Note, PlatformCaller.Of(http)?.Name, CorrelationId.Get(http), cancellationToken);
        return await ClientEndpoints.RespondAsync(outcome, publish, cancellationToken);
    }

    private static ConflictResponse ToResponse(MergeConflict c) => new(
        c.Id, c.WorkspaceId, c.ClientAId, c.ClientBId, c.IdentifierKind, c.IdentifierValue, c.Rule, c.RecordAId, c.RecordBId,
        c.Status, c.CreatedAt, c.ResolvedAt, c.DecisionId);
}
