using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Platform.SyncOrchestrator.Hosting;

namespace Platform.SyncOrchestrator.Domain.Alerts;

/// <summary>
/// Marks active runs that reported no progress for <c>StuckAfter</c> as stuck and raises one alert per run, in
/// one statement: two instances checking at once mark and alert a run once (the first update wins the row,
/// the alert is unique per run and kind). The next progress clears the mark; the alert stays.
/// </summary>
internal sealed partial class StuckRunDetector(
    NpgsqlDataSource dataSource, OrchestratorOptions options, AlertSignal signal, TimeProvider clock, ILogger<StuckRunDetector> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DetectAsync(stoppingToken) > 0)
                {
                    signal.Notify();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop outlives database outages.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, ex);
            }
            try
            {
                await Task.Delay(options.Alerts.CheckInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <returns>How many new stuck alerts were raised.</returns>
    internal async Task<int> DetectAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var webhook = options.Alerts.WebhookUrl is not null;
        await using var command = dataSource.CreateCommand("""
            with stuck as (
                update sync_runs set stuck_since = @now
                where status in ('requested', 'running', 'cancelling') and stuck_since is null
                  and coalesce(last_progress_at, started_at, requested_at) < @cutoff
                returning id, workspace_id, source, status, coalesce(last_progress_at, started_at, requested_at) as quiet_since,
                          last_progress_at is null as never_progressed
            )
            insert into alerts (id, workspace_id, source, run_id, kind, message, created_at, webhook_status, webhook_attempts, webhook_next_attempt_at)
            select gen_random_uuid(), workspace_id, source, id, 'run_stuck',
                   format('The %s sync of workspace %s (run %s, %s) has %s since %s, more than %s ago. Check connector-%s; cancel the run with POST /api/syncs/%s/cancel.',
                          source, workspace_id, id, status,
                          case when never_progressed then 'not reported any progress' else 'reported no progress' end,
                          to_char(quiet_since at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), @threshold, source, id),
                   @now, @webhook, 0, @next
            from stuck
            on conflict (run_id, kind) do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cutoff", now - options.Alerts.StuckAfter));
        command.Parameters.Add(new NpgsqlParameter<string>("threshold", Describe(options.Alerts.StuckAfter)));
        command.Parameters.Add(new NpgsqlParameter<string>("webhook", webhook ? WebhookStatuses.Pending : WebhookStatuses.NotConfigured));
        command.Parameters.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = webhook ? now : DBNull.Value });
        var raised = await command.ExecuteNonQueryAsync(cancellationToken);
        if (raised > 0)
        {
            LogStuck(logger, raised);
        }
        return raised;
    }

    internal static string Describe(TimeSpan span) => span switch
    {
        { TotalHours: >= 1 } when span.Minutes == 0 && span.Seconds == 0 => $"{span.TotalHours.ToString("0", CultureInfo.InvariantCulture)} h",
        { TotalMinutes: >= 1 } when span.Seconds == 0 => $"{span.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min",
        _ => $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} run(s) found stuck; alerts raised")]
    private static partial void LogStuck(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stuck-run check failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
