using System.Net.Http.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.SyncOrchestrator.Hosting;

namespace Platform.SyncOrchestrator.Domain.Alerts;

/// <summary>
/// Posts each alert to <c>SyncOrchestrator:Alerts:WebhookUrl</c> as Slack-compatible JSON (<c>{"text": …}</c>),
/// retrying with <c>WebhookRetryDelays</c>. The alert row is the outbox: a claim (attempt counted, next attempt
/// pushed past the timeout) is committed before the post, so two instances never post the same attempt and a
/// crash mid-post only means one more attempt later (at least once, like every delivery here).
/// </summary>
internal sealed partial class AlertNotifier(
    NpgsqlDataSource dataSource,
    IHttpClientFactory httpClients,
    OrchestratorOptions options,
    AlertSignal signal,
    TimeProvider clock,
    ILogger<AlertNotifier> logger) : BackgroundService
{
    public const string HttpClientName = "alerts-webhook";

    private sealed record Due(Guid Id, string Kind, string Source, string WorkspaceId, string Message, int Attempt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Alerts.WebhookUrl is null)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DeliverDueAsync(stoppingToken) > 0)
                {
                    continue;
                }
                await signal.WaitAsync(options.Alerts.WebhookPollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop outlives database outages; alerts wait in their rows.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogLoopFailed(logger, ex);
                await Task.Delay(options.Alerts.WebhookPollInterval, stoppingToken);
            }
        }
    }

    /// <returns>How many alerts were attempted.</returns>
    internal async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var due = await ClaimAsync(cancellationToken);
        foreach (var alert in due)
        {
            var error = await PostAsync(alert, cancellationToken);
            await RecordAttemptAsync(alert, error, cancellationToken);
        }
        return due.Count;
    }

    private async Task<List<Due>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand("""
            update alerts set webhook_attempts = webhook_attempts + 1, webhook_next_attempt_at = @lease
            where id in (select id from alerts where webhook_status = 'pending' and webhook_next_attempt_at <= @now
                         order by created_at limit 20 for update skip locked)
            returning id, kind, source, workspace_id, message, webhook_attempts
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("lease", now + options.Alerts.WebhookTimeout * 2));
        var due = new List<Due>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new Due(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)));
        }
        return due;
    }

    /// <returns>Null when delivered, else what went wrong.</returns>
    private async Task<string?> PostAsync(Due alert, CancellationToken cancellationToken)
    {
        var title = alert.Kind == AlertKinds.RunStuck ? "Sync stuck" : "Sync failed";
        var body = new { text = $"*{title}*: {alert.Source}, workspace {alert.WorkspaceId}\n{alert.Message}" };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Alerts.WebhookTimeout);
        try
        {
            var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.PostAsJsonAsync(options.Alerts.WebhookUrl, body, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        }
        catch (HttpRequestException ex)
        {
            return $"The webhook could not be reached: {ex.Message}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"The webhook did not answer within {options.Alerts.WebhookTimeout.TotalSeconds:0} s.";
        }
    }

    private async Task RecordAttemptAsync(Due alert, string? error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var delays = options.Alerts.RetryDelays;
        var givingUp = error is not null && alert.Attempt > delays.Length;
        var status = error is null ? WebhookStatuses.Delivered : givingUp ? WebhookStatuses.Failed : WebhookStatuses.Pending;
        DateTimeOffset? next = status == WebhookStatuses.Pending ? now + delays[alert.Attempt - 1] : null;
        await using var command = dataSource.CreateCommand("""
            update alerts set webhook_status = @status, webhook_last_error = @error, webhook_next_attempt_at = @next,
                              webhook_delivered_at = case when @status = 'delivered' then @now else webhook_delivered_at end
            where id = @id and webhook_status = 'pending'
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("status", status));
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = (object?)next ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", alert.Id));
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (error is not null)
        {
            LogAttemptFailed(logger, alert.Id, alert.Attempt, givingUp, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} webhook attempt {Attempt} failed (giving up: {GivingUp}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid alertId, int attempt, bool givingUp, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert webhook loop failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
