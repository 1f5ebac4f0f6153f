using Npgsql;
using NpgsqlTypes;
using Platform.SyncOrchestrator.Hosting;

namespace Platform.SyncOrchestrator.Domain.Alerts;

/// <summary>Raises the alert of a failed run inside the caller's transaction; a second raise for the run is a no-op.</summary>
internal sealed class FailedRunAlert(OrchestratorOptions options)
{
    /// <returns>Whether a new alert was recorded.</returns>
    public async Task<bool> RaiseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid runId, string workspaceId,
        string source, string? stream, string errorCode, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var where = stream is null ? "" : $" on stream {stream}";
        var message = $"The {source} sync of workspace {workspaceId} failed{where} (run {runId}, {errorCode}): {reason}";
        await using var insert = new NpgsqlCommand("""
            insert into alerts (id, workspace_id, source, run_id, kind, message, created_at, webhook_status, webhook_attempts, webhook_next_attempt_at)
            values (@id, @workspace, @source, @run, @kind, @message, @now, @webhook, 0, @next)
            on conflict (run_id, kind) do nothing
            """, connection, transaction);
        var webhook = options.Alerts.WebhookUrl is not null;
        insert.Parameters.Add(new NpgsqlParameter<Guid>("id", MassTransit.NewId.NextSequentialGuid()));
        insert.Parameters.Add(new NpgsqlParameter<string>("workspace", workspaceId));
        insert.Parameters.Add(new NpgsqlParameter<string>("source", source));
        insert.Parameters.Add(new NpgsqlParameter<Guid>("run", runId));
        insert.Parameters.Add(new NpgsqlParameter<string>("kind", AlertKinds.RunFailed));
        insert.Parameters.Add(new NpgsqlParameter<string>("message", message));
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        insert.Parameters.Add(new NpgsqlParameter<string>("webhook", webhook ? WebhookStatuses.Pending : WebhookStatuses.NotConfigured));
        insert.Parameters.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = webhook ? now : DBNull.Value });
        return await insert.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
