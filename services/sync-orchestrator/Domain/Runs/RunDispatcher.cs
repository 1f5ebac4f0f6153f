using Microsoft.EntityFrameworkCore;
using Platform.SyncOrchestrator.Hosting;
using Platform.SyncOrchestrator.Persistence;

namespace Platform.SyncOrchestrator.Domain.Runs;

/// <summary>
/// The run rows are the outbox of StartSync and CancelSync, unify requests of ReleaseStagedRecords: a command the request could not hand to the broker
/// (or a crash between commit and send) is sent here. The connector's consumers are idempotent, so a command
/// sent twice (two instances, or a send whose mark was lost) is harmless.
/// </summary>
internal sealed partial class RunDispatcher(
    IServiceScopeFactory scopes, RunLauncher launcher, ConnectorCommands commands, OrchestratorOptions options, TimeProvider clock,
    ILogger<RunDispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop outlives database and broker outages; unsent commands stay in their rows.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, ex);
            }
            await Delay(options.Dispatch.PollInterval, stoppingToken);
        }
    }

    internal async Task DispatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var cutoff = clock.GetUtcNow() - options.Dispatch.ResendAfter;

        var starts = await db.SyncRuns.AsNoTracking()
            .Where(r => r.Status == RunStatuses.Requested && r.StartSentAt == null && r.RequestedAt <= cutoff)
            .OrderBy(r => r.RequestedAt).Take(100).ToListAsync(cancellationToken);
        foreach (var run in starts)
        {
            await launcher.TrySendStartAsync(db, run, cancellationToken);
        }
        var cancels = await db.SyncRuns.AsNoTracking()
            .Where(r => r.Status == RunStatuses.Cancelling && r.CancelSentAt == null && r.CancelRequestedAt <= cutoff)
            .OrderBy(r => r.RequestedAt).Take(100).ToListAsync(cancellationToken);
        foreach (var run in cancels)
        {
            await launcher.TrySendCancelAsync(db, run, cancellationToken);
        }
        var releases = await db.UnifyRequests.Include(u => u.Sources)
            .Where(u => u.RequestedAt <= cutoff && u.Sources.Any(s => s.SentAt == null))
            .OrderBy(u => u.RequestedAt).Take(100).ToListAsync(cancellationToken);
        foreach (var unify in releases)
        {
            foreach (var target in unify.Sources.Where(s => s.SentAt is null))
            {
                if (await commands.TrySendAsync(target.Source, ConnectorCommands.Release(unify), unify.Id, cancellationToken))
                {
                    target.SentAt = clock.GetUtcNow();
                }
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task Delay(TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(interval, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run dispatcher pass failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
