using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.SyncOrchestrator.Domain.Runs;
using Platform.SyncOrchestrator.Hosting;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Domain.Schedules;

/// <summary>
/// Fires due schedules. A schedule's <c>next_run_at</c> is its next slot; firing moves it to the first slot after
/// now, so after downtime the missed slots collapse into one run. The move is a conditional update on the slot
/// the instance read (a claim): when two instances race for a slot, the second one's update waits for the
/// first's commit, then finds the slot gone and fires nothing. <c>schedule_firings</c> (unique per slot) keeps
/// what each firing did.
/// </summary>
internal sealed partial class ScheduleRunner(
    IServiceScopeFactory scopes, RunLauncher launcher, OrchestratorOptions options, TimeProvider clock, ILogger<ScheduleRunner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FireDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop outlives database outages; a slot not fired stays due.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, ex);
            }
            try
            {
                await Task.Delay(options.Scheduler.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <returns>How many slots this instance fired.</returns>
    internal async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<(Guid Id, DateTimeOffset Slot)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            due = (await db.Schedules.AsNoTracking()
                    .Where(s => s.Enabled && s.NextRunAt != null && s.NextRunAt <= now)
                    .OrderBy(s => s.NextRunAt).Take(100)
                    .Select(s => new { s.Id, s.NextRunAt })
                    .ToListAsync(cancellationToken))
                .Select(s => (s.Id, s.NextRunAt!.Value)).ToList();
        }
        var fired = 0;
        foreach (var (id, slot) in due)
        {
            if (await FireAsync(id, slot, now, cancellationToken))
            {
                fired++;
            }
        }
        return fired;
    }

    private async Task<bool> FireAsync(Guid id, DateTimeOffset slot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        SyncRun? started = null;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var schedule = await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
            if (schedule is null || !schedule.Enabled || schedule.NextRunAt != slot)
            {
                return false;
            }
            var zone = CronSchedule.FindTimeZone(schedule.TimeZone) ?? TimeZoneInfo.Utc;
            var next = CronSchedule.NextAfter(schedule.QuartzCron, zone, now);
            var claimed = await db.Schedules
                .Where(s => s.Id == id && s.Enabled && s.NextRunAt == slot)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.NextRunAt, next)
                    .SetProperty(x => x.LastSlotAt, slot)
                    .SetProperty(x => x.LastFiredAt, now), cancellationToken);
            if (claimed == 0)
            {
                return false;
            }

            var result = await launcher.RecordAsync(db, new RunRequest(
                schedule.WorkspaceId, schedule.Source, schedule.Streams, schedule.Mode, null, null, schedule.Unify,
                RunTriggers.Schedule, schedule.Id, null, NewId.NextGuid()), cancellationToken);
            var (outcome, runId, detail) = result switch
            {
                LaunchResult.Started s => ("started", (Guid?)s.Run.Id, $"Started run {s.Run.Id}."),
                LaunchResult.Conflict c => ("skipped", null,
                    $"Skipped: run {c.Active.Id} ({c.Active.Status}) of {schedule.Source} was still active for this workspace."),
                _ => throw new InvalidOperationException("unknown launch result"),
            };
            started = (result as LaunchResult.Started)?.Run;
            db.ScheduleFirings.Add(new ScheduleFiring
            {
                ScheduleId = id,
                SlotAt = slot,
                FiredAt = now,
                RunId = runId,
                Outcome = outcome,
                Detail = detail,
            });
            await db.SaveChangesAsync(cancellationToken);
            await db.Schedules.Where(s => s.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LastRunId, x => runId ?? x.LastRunId)
                .SetProperty(x => x.LastOutcome, detail), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogFired(logger, id, schedule.Source, schedule.WorkspaceId, slot, detail);
        }
        if (started is not null)
        {
            await launcher.TrySendStartAsync(db, started, cancellationToken);
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} ({Source}, workspace {Workspace}) fired for slot {Slot:O}: {Detail}")]
    private static partial void LogFired(ILogger logger, Guid scheduleId, string source, string workspace, DateTimeOffset slot, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler pass failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
