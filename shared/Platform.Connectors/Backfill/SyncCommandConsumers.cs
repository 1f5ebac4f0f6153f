using MassTransit;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Backfill;

/// <summary>
/// Records the run and wakes the backfill worker; the sync itself runs in the background, never inside the
/// consumer. Idempotent: a redelivered StartSync finds its run already recorded.
/// </summary>
public sealed class StartSyncConsumer(NpgsqlDataSource dataSource, BackfillSignal signal, ConnectorDescriptor connector,
    IEnumerable<ISourceStreamReader> readers, ConnectorCredentials credentials, TimeProvider clock) : IConsumer<StartSync>
{
    public async Task Consume(ConsumeContext<StartSync> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var known = readers.Select(r => r.Name).ToList();
        var streams = message.Streams.Count == 0 ? known : message.Streams.Distinct(StringComparer.Ordinal).ToList();
        var unknown = streams.Except(known, StringComparer.Ordinal).ToList();

        string status = "pending", error = "", errorCode = "";
        if (!string.Equals(message.Source, connector.Source, StringComparison.Ordinal))
        {
            (status, errorCode, error) = ("failed", "bad_request", $"StartSync for source '{message.Source}' reached {connector.ServiceName}.");
        }
        else if (unknown.Count > 0)
        {
            (status, errorCode, error) = ("failed", "bad_request",
                $"Unknown {connector.Source} stream(s): {string.Join(", ", unknown)}. Known streams: {string.Join(", ", known)}.");
        }
        else if (!credentials.For(message.WorkspaceId).Exists())
        {
            (status, errorCode, error) = ("failed", "credentials_missing",
                $"Workspace '{message.WorkspaceId}' has no {connector.Source} credentials. Set Connectors__{connector.Source}__Workspaces__{message.WorkspaceId}__… and run the sync again.");
        }
        else if (message.From is not null && message.To is not null && message.From >= message.To)
        {
            (status, errorCode, error) = ("failed", "bad_request", $"The date range is empty: from {message.From:O} is not before to {message.To:O}.");
        }

        await using var command = dataSource.CreateCommand("""
            insert into sync_runs (id, workspace_id, streams, mode, range_from, range_to, unify, status, cancel_requested,
                                   error_code, error, correlation_id, requested_at, finished_at, outcome_published)
            values (@id, @workspace, @streams, @mode, @from, @to, @unify, @status, false,
                    nullif(@code, ''), nullif(@error, ''), @correlation, @now, case when @status = 'failed' then @now end, false)
            on conflict (id) do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", message.SyncRunId));
        command.Parameters.Add(new NpgsqlParameter<string>("workspace", message.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", streams.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string>("mode", message.Mode == SyncMode.Full ? "full" : "incremental"));
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)message.From?.UtcDateTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)message.To?.UtcDateTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string>("unify", message.Unify == UnifyMode.Deferred ? "deferred" : "now"));
        command.Parameters.Add(new NpgsqlParameter<string>("status", status));
        command.Parameters.Add(new NpgsqlParameter<string>("code", errorCode));
        command.Parameters.Add(new NpgsqlParameter<string>("error", error));
        command.Parameters.Add(new NpgsqlParameter<Guid>("correlation", message.CorrelationId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
        await command.ExecuteNonQueryAsync(context.CancellationToken);
        signal.Notify();
    }
}

/// <summary>Asks the worker to stop a run at the next page boundary (the page in flight commits or rolls back whole).</summary>
public sealed class CancelSyncConsumer(NpgsqlDataSource dataSource, BackfillSignal signal) : IConsumer<CancelSync>
{
    public async Task Consume(ConsumeContext<CancelSync> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var command = dataSource.CreateCommand("""
            update sync_runs set cancel_requested = true,
                   status = case when status = 'pending' then 'cancelled' else status end,
                   error_code = case when status = 'pending' then 'cancelled' else error_code end,
                   error = case when status = 'pending' then coalesce(@reason, 'Cancelled before it started.') else error end,
                   finished_at = case when status = 'pending' then now() else finished_at end
            where id = @id and workspace_id = @workspace and status in ('pending', 'running')
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", context.Message.SyncRunId));
        command.Parameters.Add(new NpgsqlParameter<string>("workspace", context.Message.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter("reason", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)context.Message.Reason ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(context.CancellationToken);
        signal.Notify();
    }
}

/// <summary>Wakes the backfill worker when a run is requested or cancelled.</summary>
public sealed class BackfillSignal : Staging.WakeSignal;
