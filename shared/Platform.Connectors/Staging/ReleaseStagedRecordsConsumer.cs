using MassTransit;
using Npgsql;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Staging;

/// <summary>
/// "Stage first, merge later": releases deferred rows so the relay publishes them (<see cref="DeferredRecords"/>, a chunk
/// a transaction). Idempotent: a redelivered command releases what is left.
/// </summary>
public sealed class ReleaseStagedRecordsConsumer(NpgsqlDataSource dataSource, RelaySignal relay) : IConsumer<ReleaseStagedRecords>
{
    public async Task Consume(ConsumeContext<ReleaseStagedRecords> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        await DeferredRecords.ReleaseAsync(dataSource, message.WorkspaceId, message.SyncRunId, relay, context.CancellationToken);
    }
}
