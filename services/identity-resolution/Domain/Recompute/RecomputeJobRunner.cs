using Platform.IdentityResolution.Domain.Resolution;

namespace Platform.IdentityResolution.Domain.Recompute;

/// <summary>
/// Runs workspace recompute jobs on every instance: each takes the lease of a job nobody holds, so one instance runs
/// a job at a time and another resumes it if this one stops. At start-up it queues jobs for workspaces the configured
/// blocked list changed for.
/// </summary>
internal sealed partial class RecomputeJobRunner(
    WorkspaceRecompute recompute, RecomputeSignal signal, IdentityResolutionOptions options, ILogger<RecomputeJobRunner> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var configuredChecked = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!configuredChecked)
                {
                    var queued = await recompute.QueueConfiguredListChangesAsync(stoppingToken);
                    configuredChecked = true;
                    if (queued > 0)
                    {
                        LogConfiguredListChanged(logger, queued);
                    }
                }
                while (await recompute.RunNextAsync(_owner, stoppingToken))
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database was away (or the schema not migrated yet): try again at the next poll.
                LogPollFailed(logger, e);
            }
            try
            {
                await signal.WaitAsync(options.RecomputePollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The configured blocked list changed: recomputing {Workspaces} workspaces")]
    private static partial void LogConfiguredListChanged(ILogger logger, int workspaces);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for recompute jobs; trying again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
