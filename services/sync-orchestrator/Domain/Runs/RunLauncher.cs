using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Syncs;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Domain.Runs;

/// <summary>What to sync, as the API or a schedule asks for it (already validated).</summary>
internal sealed record RunRequest(
    string WorkspaceId,
    string Source,
    IReadOnlyList<string> Streams,
    string Mode,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string Unify,
    string Trigger,
    Guid? ScheduleId,
    string? RequestedBy,
    Guid CorrelationId);

internal abstract record LaunchResult
{
    public sealed record Started(SyncRun Run) : LaunchResult;

    /// <summary>An active run already holds the workspace, source and (some of the) streams.</summary>
    public sealed record Conflict(SyncRun Active) : LaunchResult;
}

/// <summary>
/// Records runs under the one-active-run rule and sends their commands. The rule is checked under a
/// transaction-scoped advisory lock per workspace and source, so two requests (or an operator and a schedule,
/// on any orchestrator instance) cannot both pass it.
/// </summary>
internal sealed class RunLauncher(ConnectorCommands commands, TimeProvider clock)
{
    /// <summary>Records the run in its own transaction, then sends StartSync (the dispatcher resends it if the broker is down).</summary>
    public async Task<LaunchResult> LaunchAsync(OrchestratorDbContext db, RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        LaunchResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            result = await RecordAsync(db, request, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        if (result is LaunchResult.Started started)
        {
            await TrySendStartAsync(db, started.Run, cancellationToken);
        }
        return result;
    }

    /// <summary>Records the run inside the caller's transaction, unless an active run overlaps it.</summary>
    public async Task<LaunchResult> RecordAsync(OrchestratorDbContext db, RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var key = $"sync-orchestrator:run:{request.WorkspaceId}:{request.Source}";
        await db.Database.ExecuteSqlAsync($"select pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);

        var active = await db.SyncRuns.AsNoTracking()
            .Where(r => r.WorkspaceId == request.WorkspaceId && r.Source == request.Source && RunStatuses.Active.Contains(r.Status))
            .OrderBy(r => r.RequestedAt)
            .ToListAsync(cancellationToken);
        if (active.FirstOrDefault(r => Overlaps(r.Streams, request.Streams)) is { } clash)
        {
            return new LaunchResult.Conflict(clash);
        }
        var run = new SyncRun
        {
            Id = NewId.NextSequentialGuid(),
            WorkspaceId = request.WorkspaceId,
            Source = request.Source,
            Streams = [.. request.Streams],
            Mode = request.Mode,
            RangeFrom = request.From?.ToUniversalTime(),
            RangeTo = request.To?.ToUniversalTime(),
            Unify = request.Unify,
            Status = RunStatuses.Requested,
            Trigger = request.Trigger,
            ScheduleId = request.ScheduleId,
            RequestedBy = request.RequestedBy,
            CorrelationId = request.CorrelationId,
            RequestedAt = clock.GetUtcNow(),
        };
        db.SyncRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return new LaunchResult.Started(run);
    }

    /// <summary>Empty means every stream, which overlaps anything.</summary>
    public static bool Overlaps(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b) =>
        a.Count == 0 || b.Count == 0 || a.Intersect(b, StringComparer.Ordinal).Any();

    /// <summary>Sends the run's StartSync and marks it sent; false (logged) when the broker could not take it in time.</summary>
    public async Task<bool> TrySendStartAsync(OrchestratorDbContext db, SyncRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(run);
        var sent = await commands.TrySendAsync(run.Source, new StartSync
        {
            WorkspaceId = run.WorkspaceId,
            CorrelationId = run.CorrelationId,
            SyncRunId = run.Id,
            Source = run.Source,
            Streams = run.Streams,
            Mode = RunModes.ToSyncMode(run.Mode),
            From = run.RangeFrom,
            To = run.RangeTo,
            Unify = RunModes.ToUnifyMode(run.Unify),
        }, run.Id, cancellationToken);
        if (sent)
        {
            var now = clock.GetUtcNow();
            await db.SyncRuns.Where(r => r.Id == run.Id && r.StartSentAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.StartSentAt, now), cancellationToken);
        }
        return sent;
    }

    /// <summary>Sends the run's CancelSync and marks it sent.</summary>
    public async Task<bool> TrySendCancelAsync(OrchestratorDbContext db, SyncRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(run);
        var sent = await commands.TrySendAsync(run.Source, new CancelSync
        {
            WorkspaceId = run.WorkspaceId,
            CorrelationId = run.CorrelationId,
            SyncRunId = run.Id,
            Reason = run.CancelReason ?? (run.CancelRequestedBy is { } who ? $"Cancelled by {who}." : "Cancelled by an operator."),
        }, run.Id, cancellationToken);
        if (sent)
        {
            var now = clock.GetUtcNow();
            await db.SyncRuns.Where(r => r.Id == run.Id && r.CancelSentAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelSentAt, now), cancellationToken);
        }
        return sent;
    }
}
