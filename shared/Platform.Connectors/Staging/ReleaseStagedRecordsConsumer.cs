using MassTransit;
using Npgsql;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Staging;

/// <summary>
/// "Stage first, merge later": marks deferred rows released so the relay publishes them. Idempotent: a
/// redelivered command finds nothing left to release.
/// </summary>
public sealed class ReleaseStagedRecordsConsumer(NpgsqlDataSource dataSource, RelaySignal relay) : IConsumer<ReleaseStagedRecords>
{
    public async Task Consume(ConsumeContext<ReleaseStagedRecords> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        await using var command = dataSource.CreateCommand("""
            with released as (
                update raw_records set released_at = now()
                where workspace_id = @workspace and unify = 'deferred' and released_at is null
                  and (@run::uuid is null or sync_run_id = @run)
                returning id)
            insert into raw_record_outbox (id) select id from released on conflict do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("workspace", message.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter("run", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)message.SyncRunId ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(context.CancellationToken);
        relay.Notify();
    }
}
