using Microsoft.AspNetCore.Http.HttpResults;
using Platform.IdentityResolution.Domain.Recompute;
using Platform.ServiceDefaults.Callers;

namespace Platform.IdentityResolution.Endpoints;

/// <summary>A workspace recompute job: what it is for, where it is, and how it ended.</summary>
internal sealed record RecomputeJobResponse(
    Guid Id,
    string WorkspaceId,
    string State,
    string Reason,
    string? RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int? ComponentsTotal,
    int ComponentsDone,
    int RecordsDone,
    string? Error)
{
    public static RecomputeJobResponse From(RecomputeJob job) => new(
        job.Id, job.WorkspaceId, job.State, job.Reason, job.RequestedBy, job.RequestedAt, job.StartedAt, job.FinishedAt,
        job.ComponentsTotal, job.ComponentsDone, job.RecordsDone, job.Error);
}

/// <summary>Recomputes every client of a workspace with its current settings and blocked values (one job per workspace at a time).</summary>
internal static class RecomputeEndpoints
{
    public static IEndpointRouteBuilder MapRecomputeEndpoints(this IEndpointRouteBuilder app)
    {
        // No id in the path: a workspace has one current job, and the gateway's workspace guard checks the query.
        var recompute = app.MapGroup("/api/identity/recompute").WithTags("Identity");
        recompute.MapGet("", GetRecomputeAsync).WithName("GetRecompute");
        recompute.MapPost("", StartRecomputeAsync).WithName("StartRecompute");
        return app;
    }

    /// <summary>The workspace's newest recompute job: state, components done of total, when it started and finished, why it failed.</summary>
    public static async Task<Results<Ok<RecomputeJobResponse>, ProblemHttpResult, ValidationProblem>> GetRecomputeAsync(
        string? workspaceId, WorkspaceRecompute recompute, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, null, null, "recompute jobs");
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The recompute request is invalid");
        }
        return await recompute.LatestAsync(workspaceId!, cancellationToken) is { } job
            ? TypedResults.Ok(RecomputeJobResponse.From(job))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No recompute yet",
                detail: $"Workspace {workspaceId} has never been recomputed; start one with POST /api/identity/recompute?workspaceId={workspaceId}.");
    }

    /// <summary>Starts a recompute (202, poll the location); while one is queued or running, that one is answered.</summary>
    public static async Task<Results<Accepted<RecomputeJobResponse>, ValidationProblem>> StartRecomputeAsync(
        string? workspaceId, WorkspaceRecompute recompute, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, null, null, "recompute jobs");
        if (errors.Count > 0)
        {
            return Paging.Invalid(errors, "The recompute request is invalid");
        }
        var job = await recompute.StartAsync(workspaceId!, "asked for by an operator", PlatformCaller.Of(http)?.Name, cancellationToken);
        return TypedResults.Accepted($"/api/identity/recompute?workspaceId={Uri.EscapeDataString(workspaceId!)}", RecomputeJobResponse.From(job));
    }
}
