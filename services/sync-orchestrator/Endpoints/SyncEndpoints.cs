using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults;
using Platform.SyncOrchestrator.Domain.Runs;
using Platform.SyncOrchestrator.Domain.Sources;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Endpoints;

internal sealed record StartSyncRequest(
    string? WorkspaceId, string? Source, IReadOnlyList<string>? Streams, string? Mode, DateTimeOffset? From, DateTimeOffset? To, string? Unify);

internal sealed record CancelSyncRequest(string? Reason, bool? Force);

internal sealed record RunStreamResponse(
    string Stream, long RecordsFetched, long RecordsStaged, int Pages, int Retries, int RateLimitWaits, string? Checkpoint,
    DateTimeOffset? LastProgressAt, DateTimeOffset? Watermark, bool Completed);

/// <summary>A run with its totals and, per stream, what the connector reported.</summary>
internal sealed record RunResponse(
    Guid Id, string WorkspaceId, string Source, IReadOnlyList<string> Streams, string Mode, DateTimeOffset? From, DateTimeOffset? To,
    string Unify, string Status, string Trigger, Guid? ScheduleId, string? RequestedBy, Guid CorrelationId,
    DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? LastProgressAt, DateTimeOffset? FinishedAt,
    long RecordsFetched, long RecordsStaged, int Pages, int Retries, int RateLimitWaits,
    string? ErrorCode, string? Error, string? FailedStream,
    DateTimeOffset? CancelRequestedAt, string? CancelRequestedBy, string? CancelReason, DateTimeOffset? StuckSince,
    IReadOnlyList<RunStreamResponse> Progress)
{
    public static RunResponse Of(SyncRun r, IEnumerable<SyncRunStream> streams)
    {
        var progress = streams.OrderBy(s => s.Stream, StringComparer.Ordinal)
            .Select(s => new RunStreamResponse(s.Stream, s.RecordsFetched, s.RecordsStaged, s.Pages, s.Retries, s.RateLimitWaits,
                s.Checkpoint, s.LastProgressAt, s.Watermark, s.Completed))
            .ToList();
        // The connector reports retries and rate-limit waits as run-wide counters on every stream's page.
        return new RunResponse(r.Id, r.WorkspaceId, r.Source, r.Streams, r.Mode, r.RangeFrom, r.RangeTo, r.Unify, r.Status, r.Trigger,
            r.ScheduleId, r.RequestedBy, r.CorrelationId, r.RequestedAt, r.StartedAt, r.LastProgressAt, r.FinishedAt,
            progress.Sum(s => s.RecordsFetched), progress.Sum(s => s.RecordsStaged), progress.Sum(s => s.Pages),
            progress.Select(s => s.Retries).DefaultIfEmpty().Max(), progress.Select(s => s.RateLimitWaits).DefaultIfEmpty().Max(),
            r.ErrorCode, r.Error, r.FailedStream, r.CancelRequestedAt, r.CancelRequestedBy, r.CancelReason, r.StuckSince, progress);
    }
}

internal static class SyncEndpoints
{
    public static IEndpointRouteBuilder MapSyncEndpoints(this IEndpointRouteBuilder app)
    {
        var syncs = app.MapGroup("/api/syncs").WithTags("Syncs");
        syncs.MapPost("/", StartSyncAsync).WithName("StartSync");
        syncs.MapGet("/", ListSyncsAsync).WithName("ListSyncs");
        syncs.MapGet("/{id:guid}", GetSyncAsync).WithName("GetSync");
        syncs.MapPost("/{id:guid}/cancel", CancelSyncAsync).WithName("CancelSync");
        return app;
    }

    public static string Location(Guid id) => $"/api/syncs/{id}";

    /// <summary>
    /// Records the run and sends StartSync to the connector: 202 with the run's location. 409 names the active run
    /// that already holds the workspace, source and stream.
    /// </summary>
    public static async Task<Results<Accepted<RunResponse>, ValidationProblem, ProblemHttpResult>> StartSyncAsync(
        StartSyncRequest request, OrchestratorDbContext db, RunLauncher launcher, ConnectorDirectory connectors,
        ConnectorStatusClient status, HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.WorkspaceId))
        {
            errors["workspaceId"] = ["workspaceId is required: the workspace whose source to sync."];
        }
        if (!connectors.Knows(request.Source))
        {
            errors["source"] = [request.Source is null
                ? $"source is required: one of {connectors.Known}."
                : $"'{request.Source}' is not a deployed connector; the sources are {connectors.Known}."];
        }
        var streams = (request.Streams ?? []).Select(s => s?.Trim() ?? "").ToList();
        if (streams.Any(s => s.Length == 0))
        {
            errors["streams"] = ["streams cannot contain empty names; leave the list out (or empty) to sync every stream."];
        }
        streams = [.. streams.Distinct(StringComparer.Ordinal)];
        var mode = request.Mode ?? RunModes.Incremental;
        if (!RunModes.IsMode(mode))
        {
            errors["mode"] = [$"mode is \"full\" (everything, or the date range) or \"incremental\" (since the last watermark); got '{request.Mode}'."];
        }
        var unify = request.Unify ?? RunModes.UnifyNow;
        if (!RunModes.IsUnify(unify))
        {
            errors["unify"] = [$"unify is \"now\" or \"deferred\" (stage, then release with POST /api/unify); got '{request.Unify}'."];
        }
        if (request.From is { } from && request.To is { } to && from >= to)
        {
            errors["to"] = [$"The date range is empty: to ({to:O}) must be after from ({from:O})."];
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "The sync request is invalid");
        }

        // Checked against the connector when it answers; when it does not, the run is recorded anyway and its
        // StartSync waits in the connector's queue.
        var reading = await status.ReadAsync(request.Source!, request.WorkspaceId!, cancellationToken);
        if (reading.Status is { } current)
        {
            if (!current.Configured)
            {
                return Problems.Invalid("source",
                    $"Workspace '{request.WorkspaceId}' has no {request.Source} credentials in connector-{request.Source}; configure them, then start the sync.",
                    "The source is not configured for this workspace");
            }
            var known = current.Streams.Select(s => s.Stream).ToList();
            var unknown = streams.Except(known, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                return Problems.Invalid("streams",
                    $"Unknown {request.Source} stream(s): {string.Join(", ", unknown)}. Known streams: {string.Join(", ", known)}.",
                    "The sync request is invalid");
            }
        }

        var result = await launcher.LaunchAsync(db, new RunRequest(request.WorkspaceId!, request.Source!, streams, mode,
            request.From, request.To, unify, RunTriggers.Operator, null, OperatorName.Of(http), CorrelationId.Get(http)), cancellationToken);
        switch (result)
        {
            case LaunchResult.Started started:
                return TypedResults.Accepted(Location(started.Run.Id), RunResponse.Of(started.Run, []));
            case LaunchResult.Conflict conflict:
                var active = conflict.Active;
                var held = active.Streams.Count == 0 ? "every stream" : $"stream(s) {string.Join(", ", active.Streams)}";
                return Problems.Conflict("A sync of this source is already active",
                    $"Run {active.Id} ({active.Status}, {held}, requested {active.RequestedAt:O}{(active.RequestedBy is null ? "" : " by " + active.RequestedBy)}) " +
                    $"is still active for workspace '{active.WorkspaceId}' and source '{active.Source}'. Follow it at {Location(active.Id)}, " +
                    $"or cancel it with POST {Location(active.Id)}/cancel.",
                    new Dictionary<string, object?> { ["activeRunId"] = active.Id, ["activeRunLocation"] = Location(active.Id) });
            default:
                throw new InvalidOperationException("unknown launch result");
        }
    }

    /// <summary>Runs of a workspace, newest first; <c>status</c> is one status, a comma-separated list, or <c>active</c>.</summary>
    public static async Task<Results<Ok<PagedResponse<RunResponse>>, ValidationProblem>> ListSyncsAsync(
        string? workspaceId, string? source, string? status, int? page, int? pageSize, OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "sync runs");
        var statuses = new List<string>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "active")
            {
                statuses.AddRange(RunStatuses.Active);
            }
            else if (RunStatuses.All.Contains(part))
            {
                statuses.Add(part);
            }
            else
            {
                errors["status"] = [$"status is one of {string.Join(", ", RunStatuses.All)} or active (a comma-separated list is fine); got '{part}'."];
            }
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "The sync list request is invalid");
        }
        var query = db.SyncRuns.AsNoTracking().Where(r => r.WorkspaceId == workspaceId);
        if (!string.IsNullOrWhiteSpace(source))
        {
            query = query.Where(r => r.Source == source);
        }
        if (statuses.Count > 0)
        {
            query = query.Where(r => statuses.Contains(r.Status));
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var total = await query.CountAsync(cancellationToken);
        var runs = await query.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id).Skip(skip).Take(size)
            .Include(r => r.StreamProgress).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<RunResponse>(runs.Select(r => RunResponse.Of(r, r.StreamProgress)).ToList(), current, size, total));
    }

    public static async Task<Results<Ok<RunResponse>, ProblemHttpResult>> GetSyncAsync(Guid id, OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var run = await db.SyncRuns.AsNoTracking().Include(r => r.StreamProgress).SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        return run is null
            ? Problems.NotFound("Sync run", id, "List runs with GET /api/syncs?workspaceId=….")
            : TypedResults.Ok(RunResponse.Of(run, run.StreamProgress));
    }

    /// <summary>
    /// Sends CancelSync; the run is <c>cancelling</c> until the connector stops it at a page boundary (202). A run
    /// whose StartSync never left, or <c>force: true</c> (the connector lost the run), is cancelled at once.
    /// </summary>
    public static async Task<Results<Accepted<RunResponse>, ProblemHttpResult>> CancelSyncAsync(
        Guid id, CancelSyncRequest? request, OrchestratorDbContext db, RunLauncher launcher, TimeProvider clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var run = await db.SyncRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null)
        {
            return Problems.NotFound("Sync run", id, "List runs with GET /api/syncs?workspaceId=….");
        }
        var now = clock.GetUtcNow();
        var who = OperatorName.Of(http);
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        var immediate = request?.Force == true || (run.Status == RunStatuses.Requested && run.StartSentAt is null);
        var active = RunStatuses.Active;
        int changed;
        if (immediate)
        {
            var error = request?.Force == true
                ? $"Force-cancelled{(who is null ? "" : " by " + who)}: the orchestrator stopped waiting for connector-{run.Source}."
                : $"Cancelled{(who is null ? "" : " by " + who)} before connector-{run.Source} received it.";
            changed = await db.SyncRuns.Where(r => r.Id == id && active.Contains(r.Status)).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatuses.Cancelled)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.ErrorCode, "cancelled")
                .SetProperty(r => r.Error, reason == null ? error : error + " " + reason)
                .SetProperty(r => r.StuckSince, (DateTimeOffset?)null)
                .SetProperty(r => r.CancelRequestedAt, r => r.CancelRequestedAt ?? now)
                .SetProperty(r => r.CancelRequestedBy, r => r.CancelRequestedBy ?? who)
                .SetProperty(r => r.CancelReason, r => r.CancelReason ?? reason), cancellationToken);
        }
        else
        {
            changed = await db.SyncRuns.Where(r => r.Id == id && active.Contains(r.Status)).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatuses.Cancelling)
                .SetProperty(r => r.CancelRequestedAt, r => r.CancelRequestedAt ?? now)
                .SetProperty(r => r.CancelRequestedBy, r => r.CancelRequestedBy ?? who)
                .SetProperty(r => r.CancelReason, r => r.CancelReason ?? reason), cancellationToken);
        }
        run = await db.SyncRuns.AsNoTracking().Include(r => r.StreamProgress).SingleAsync(r => r.Id == id, cancellationToken);
        if (changed == 0)
        {
            return Problems.Conflict("The run is already finished",
                $"Run {id} is already {run.Status}{(run.FinishedAt is { } at ? $" (at {at:O})" : "")}; there is nothing to cancel.");
        }
        // Also after an immediate cancel: if the StartSync did reach the connector, this stops it there.
        await launcher.TrySendCancelAsync(db, run, cancellationToken);
        return TypedResults.Accepted(Location(id), RunResponse.Of(run, run.StreamProgress));
    }
}
