using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults;
using Platform.SyncOrchestrator.Domain.Runs;
using Platform.SyncOrchestrator.Domain.Sources;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Endpoints;

/// <summary>Release deferred records: every source of the workspace, one source, or one run's records.</summary>
internal sealed record UnifyRequestBody(string? WorkspaceId, string? Source, Guid? SyncRunId);

/// <summary>
/// One source of a unify request: records waiting then and now, how many were released (no longer waiting) and
/// how many were published for unification since the request.
/// </summary>
internal sealed record UnifySourceResponse(
    string Source, bool Sent, bool Reachable, string? Problem, long? WaitingAtRequest, long? WaitingNow, long? Released, long? PublishedSinceRequest);

/// <summary>
/// A unify request with live counts from the connectors. <c>Status</c>: <c>sending</c> (a command is not on the
/// broker yet), <c>in_progress</c> (records still waiting or not yet published, or a connector did not answer),
/// <c>done</c> (nothing waits and every released record was published).
/// </summary>
internal sealed record UnifyResponse(
    Guid Id, string WorkspaceId, Guid? SyncRunId, string? RequestedBy, DateTimeOffset RequestedAt, string Status, long? RecordsWaiting,
    IReadOnlyList<UnifySourceResponse> Sources);

internal static class UnifyEndpoints
{
    public static IEndpointRouteBuilder MapUnifyEndpoints(this IEndpointRouteBuilder app)
    {
        var unify = app.MapGroup("/api/unify").WithTags("Unify");
        unify.MapPost("/", UnifyAsync).WithName("Unify");
        unify.MapGet("/{id:guid}", GetUnifyAsync).WithName("GetUnify");
        return app;
    }

    public static string Location(Guid id) => $"/api/unify/{id}";

    /// <summary>Sends ReleaseStagedRecords to each source and answers 202 with a location that shows the waiting counts going down.</summary>
    public static async Task<Results<Accepted<UnifyResponse>, ValidationProblem, ProblemHttpResult>> UnifyAsync(
        UnifyRequestBody request, OrchestratorDbContext db, ConnectorDirectory connectors, ConnectorStatusClient status,
        ConnectorCommands commands, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.WorkspaceId))
        {
            return Problems.Invalid("workspaceId", "workspaceId is required: the workspace whose deferred records to unify.", "The unify request is invalid");
        }
        var source = request.Source;
        if (source is not null && !connectors.Knows(source))
        {
            return Problems.Invalid("source", $"'{source}' is not a deployed connector; the sources are {connectors.Known} (or leave source out for all).",
                "The unify request is invalid");
        }
        if (request.SyncRunId is { } runId)
        {
            var run = await db.SyncRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
            if (run is null)
            {
                return Problems.NotFound("Sync run", runId, "Leave syncRunId out to release every deferred record of the workspace.");
            }
            if (run.WorkspaceId != request.WorkspaceId || (source is not null && source != run.Source))
            {
                return Problems.Invalid("syncRunId", $"Run {runId} belongs to workspace '{run.WorkspaceId}' and source '{run.Source}'.",
                    "The unify request is invalid");
            }
            source = run.Source;
        }
        var sources = source is null ? connectors.Sources.ToList() : [source];
        var before = await status.ReadAllAsync(sources, request.WorkspaceId, cancellationToken);

        var unify = new UnifyRequest
        {
            Id = NewId.NextSequentialGuid(),
            WorkspaceId = request.WorkspaceId,
            SyncRunId = request.SyncRunId,
            RequestedBy = OperatorName.Of(http),
            RequestedAt = clock.GetUtcNow(),
            CorrelationId = CorrelationId.Get(http),
            Sources = before.Select(r => new UnifyRequestSource
            {
                Source = r.Source,
                WaitingAtRequest = r.Status?.RecordsWaitingForUnify,
                PublishedAtRequest = r.Status?.RecordsPublished,
            }).ToList(),
        };
        db.UnifyRequests.Add(unify);
        await db.SaveChangesAsync(cancellationToken);

        foreach (var target in unify.Sources)
        {
            // Unsent ones (broker down) are sent by the dispatcher.
            if (await commands.TrySendAsync(target.Source, ConnectorCommands.Release(unify), unify.Id, cancellationToken))
            {
                target.SentAt = clock.GetUtcNow();
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted(Location(unify.Id), Describe(unify, before));
    }

    public static async Task<Results<Ok<UnifyResponse>, ProblemHttpResult>> GetUnifyAsync(
        Guid id, OrchestratorDbContext db, ConnectorStatusClient status, CancellationToken cancellationToken)
    {
        var unify = await db.UnifyRequests.AsNoTracking().Include(u => u.Sources).SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (unify is null)
        {
            return Problems.NotFound("Unify request", id, "Start one with POST /api/unify.");
        }
        var now = await status.ReadAllAsync(unify.Sources.Select(s => s.Source), unify.WorkspaceId, cancellationToken);
        return TypedResults.Ok(Describe(unify, now));
    }

    private static UnifyResponse Describe(UnifyRequest unify, StatusReading[] readings)
    {
        var sources = unify.Sources.OrderBy(s => s.Source, StringComparer.Ordinal).Select(s =>
        {
            var reading = readings.FirstOrDefault(r => r.Source == s.Source);
            var waiting = reading?.Status?.RecordsWaitingForUnify;
            long? released = s.WaitingAtRequest is { } at && waiting is { } left ? Math.Max(0, at - left) : null;
            long? published = s.PublishedAtRequest is { } before && reading?.Status?.RecordsPublished is { } now ? Math.Max(0, now - before) : null;
            return new UnifySourceResponse(s.Source, s.SentAt is not null, reading?.Status is not null, reading?.Problem, s.WaitingAtRequest, waiting,
                released, published);
        }).ToList();
        var status = sources.Any(s => !s.Sent) ? "sending"
            : sources.All(s => s.WaitingNow == 0 && (s.WaitingAtRequest is not { } at || s.PublishedSinceRequest >= at)) ? "done"
            : "in_progress";
        long? total = sources.All(s => s.WaitingNow is not null) ? sources.Sum(s => s.WaitingNow!.Value) : null;
        return new UnifyResponse(unify.Id, unify.WorkspaceId, unify.SyncRunId, unify.RequestedBy, unify.RequestedAt, status, total, sources);
    }

}
