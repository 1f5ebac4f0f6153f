using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.SyncOrchestrator.Domain.Runs;
using Platform.SyncOrchestrator.Domain.Sources;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Endpoints;

internal sealed record SourceRunResponse(Guid Id, string Status, string Trigger, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt);

internal sealed record SourceErrorResponse(Guid RunId, string? ErrorCode, string? Error, DateTimeOffset? At);

internal sealed record SourceScheduleResponse(Guid Id, string Cron, string TimeZone, string Mode, bool Enabled, DateTimeOffset? NextRunAt);

/// <summary>
/// A source as an operator sees it for one workspace. <c>State</c>: <c>unreachable</c>, <c>not_configured</c>,
/// <c>syncing</c>, <c>failing</c> (the last run failed), <c>ok</c>, <c>never_synced</c>. Connector figures are
/// null when the connector did not answer (<c>Problem</c> says why). <c>RawRetentionDays</c>: how long raw payloads are kept
/// (null: until erased).
/// </summary>
internal sealed record SourceResponse(
    string Source,
    string State,
    bool Reachable,
    string? Problem,
    bool? Configured,
    IReadOnlyList<ConnectorStreamStatus> Streams,
    long? RecordsStaged,
    long? RecordsPublished,
    long? RecordsWaitingForUnify,
    SourceRunResponse? LastSuccessfulSync,
    SourceRunResponse? LastRun,
    SourceErrorResponse? LastError,
    IReadOnlyList<SourceRunResponse> ActiveRuns,
    DateTimeOffset? NextScheduledRunAt,
    SourceScheduleResponse? Schedule,
    int? RawRetentionDays = null);

internal static class SourceEndpoints
{
    public static IEndpointRouteBuilder MapSourceEndpoints(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/api/sources").WithTags("Sources");
        sources.MapGet("/", ListSourcesAsync).WithName("ListSources");
        sources.MapGet("/{source}", GetSourceAsync).WithName("GetSource");
        return app;
    }

    /// <summary>Every deployed source for a workspace, configured or not, sorted by name; connectors are asked in parallel.</summary>
    public static async Task<Results<Ok<PagedResponse<SourceResponse>>, ValidationProblem>> ListSourcesAsync(
        string? workspaceId, int? page, int? pageSize, OrchestratorDbContext db, ConnectorDirectory connectors, ConnectorStatusClient status,
        CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(workspaceId, page, pageSize, "sources");
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "The source list request is invalid");
        }
        var (current, size, skip) = Paging.Resolve(page, pageSize);
        var names = connectors.Sources.Skip(skip).Take(size).ToList();
        var items = await DescribeAsync(workspaceId!, names, db, status, cancellationToken);
        return TypedResults.Ok(new PagedResponse<SourceResponse>(items, current, size, connectors.Sources.Count));
    }

    public static async Task<Results<Ok<SourceResponse>, ValidationProblem, ProblemHttpResult>> GetSourceAsync(
        string source, string? workspaceId, OrchestratorDbContext db, ConnectorDirectory connectors, ConnectorStatusClient status,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(workspaceId))
        {
            return Problems.Invalid("workspaceId", "The workspaceId query parameter is required: a source is shown for one workspace.",
                "The source request is invalid");
        }
        if (!connectors.Knows(source))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not found",
                detail: $"'{source}' is not a deployed connector; the sources are {connectors.Known}.");
        }
        return TypedResults.Ok((await DescribeAsync(workspaceId, [source], db, status, cancellationToken))[0]);
    }

    private static async Task<List<SourceResponse>> DescribeAsync(string workspaceId, List<string> sources, OrchestratorDbContext db,
        ConnectorStatusClient status, CancellationToken cancellationToken)
    {
        var readings = status.ReadAllAsync(sources, workspaceId, cancellationToken);
        var runs = db.SyncRuns.AsNoTracking().Where(r => r.WorkspaceId == workspaceId && sources.Contains(r.Source));
        var lastRuns = await runs.GroupBy(r => r.Source)
            .Select(g => g.OrderByDescending(r => r.RequestedAt).First()).ToListAsync(cancellationToken);
        var lastSuccesses = await runs.Where(r => r.Status == RunStatuses.Succeeded).GroupBy(r => r.Source)
            .Select(g => g.OrderByDescending(r => r.FinishedAt).First()).ToListAsync(cancellationToken);
        var lastFailures = await runs.Where(r => r.Status == RunStatuses.Failed).GroupBy(r => r.Source)
            .Select(g => g.OrderByDescending(r => r.FinishedAt).First()).ToListAsync(cancellationToken);
        var active = await runs.Where(r => RunStatuses.Active.Contains(r.Status)).OrderBy(r => r.RequestedAt).ToListAsync(cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().Where(s => s.WorkspaceId == workspaceId && sources.Contains(s.Source))
            .ToListAsync(cancellationToken);

        var items = new List<SourceResponse>();
        foreach (var reading in await readings)
        {
            var source = reading.Source;
            var connector = reading.Status;
            var ours = lastRuns.FirstOrDefault(r => r.Source == source);
            var success = lastSuccesses.FirstOrDefault(r => r.Source == source);
            var failure = lastFailures.FirstOrDefault(r => r.Source == source);
            var schedule = schedules.FirstOrDefault(s => s.Source == source);
            var running = active.Where(r => r.Source == source).Select(Summary).ToList();

            // Runs the connector executed without the orchestrator (sent straight to its queue) still count.
            var theirs = connector?.LastRun is { } last && ours?.Id != last.Id ? last : null;
            var lastSuccessful = success is not null ? Summary(success)
                : theirs is { Status: RunStatuses.Succeeded } ? new SourceRunResponse(theirs.Id, theirs.Status, "connector", theirs.RequestedAt, theirs.FinishedAt)
                : null;
            var lastError = failure is not null ? new SourceErrorResponse(failure.Id, failure.ErrorCode, failure.Error, failure.FinishedAt)
                : theirs is { Status: RunStatuses.Failed } ? new SourceErrorResponse(theirs.Id, theirs.ErrorCode, theirs.Error, theirs.FinishedAt)
                : null;
            var lastRun = ours is not null ? Summary(ours)
                : theirs is not null ? new SourceRunResponse(theirs.Id, theirs.Status, "connector", theirs.RequestedAt, theirs.FinishedAt)
                : null;

            var state = connector is null ? "unreachable"
                : !connector.Configured ? "not_configured"
                : running.Count > 0 ? "syncing"
                : lastRun?.Status == RunStatuses.Failed ? "failing"
                : lastSuccessful is not null ? "ok"
                : "never_synced";
            items.Add(new SourceResponse(source, state, connector is not null, reading.Problem, connector?.Configured,
                connector?.Streams ?? [], connector?.RecordsStaged, connector?.RecordsPublished, connector?.RecordsWaitingForUnify,
                lastSuccessful, lastRun, lastError, running,
                schedule is { Enabled: true } ? schedule.NextRunAt : null,
                schedule is null ? null : new SourceScheduleResponse(schedule.Id, schedule.Cron, schedule.TimeZone, schedule.Mode, schedule.Enabled, schedule.NextRunAt),
                connector?.RawRetentionDays));
        }
        return items;
    }

    private static SourceRunResponse Summary(SyncRun r) => new(r.Id, r.Status, r.Trigger, r.RequestedAt, r.FinishedAt);
}
