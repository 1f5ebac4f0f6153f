using MassTransit;
using Npgsql;
using Platform.Contracts.Connectors;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// A finished SGT sync confirms every lead of its workspace: the ones it read changed or were re-read unchanged (and
/// staged nothing), the rest did not change since the watermark. So every customer of the workspace with an SGT lead
/// gets <c>sgt_last_sync_at</c> = the sync's end, even when the sync brought nothing new for it. Idempotent: a
/// redelivered or late message never moves the time back.
/// </summary>
internal sealed class SgtSyncCompletedConsumer(NpgsqlDataSource dataSource) : IConsumer<SyncCompleted>
{
    public async Task Consume(ConsumeContext<SyncCompleted> context)
    {
        var message = context.Message;
        if (message.Source != "sgt")
        {
            return;
        }
        await using var command = dataSource.CreateCommand("""
            update cs_customers c set sgt_last_sync_at = @at
            where c.workspace_id = @w and (c.sgt_last_sync_at is null or c.sgt_last_sync_at < @at)
              and exists (select 1 from client_records r where r.client_id = c.client_id and r.source = 'sgt')
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("w", message.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", message.CompletedAt.ToUniversalTime()));
        await command.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
