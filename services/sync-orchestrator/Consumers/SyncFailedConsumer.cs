using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Connectors;
using Platform.SyncOrchestrator.Domain.Alerts;

namespace Platform.SyncOrchestrator.Consumers;

/// <summary>
/// Marks the run failed with the connector's reason and raises its alert in the same transaction; a
/// cancellation (error code <c>cancelled</c>) marks it cancelled and raises nothing. Only an active run moves.
/// </summary>
internal sealed class SyncFailedConsumer(NpgsqlDataSource dataSource, FailedRunAlert alert, AlertSignal signal, TimeProvider clock)
    : IConsumer<SyncFailed>
{
    public const string CancelledCode = "cancelled";

    public async Task Consume(ConsumeContext<SyncFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        var cancelled = message.ErrorCode == CancelledCode;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        string workspace, source;
        await using (var run = new NpgsqlCommand("""
            update sync_runs set status = @status, finished_at = @at, error_code = @code, error = @reason,
                                 failed_stream = @stream, stuck_since = null
            where id = @id and status in ('requested', 'running', 'cancelling')
            returning workspace_id, source
            """, connection, transaction))
        {
            run.Parameters.Add(new NpgsqlParameter<Guid>("id", message.SyncRunId));
            run.Parameters.Add(new NpgsqlParameter<string>("status", cancelled ? "cancelled" : "failed"));
            run.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", message.FailedAt.ToUniversalTime()));
            run.Parameters.Add(new NpgsqlParameter<string>("code", message.ErrorCode));
            run.Parameters.Add(new NpgsqlParameter<string>("reason", message.Reason));
            run.Parameters.Add(new NpgsqlParameter("stream", NpgsqlDbType.Text) { Value = (object?)message.Stream ?? DBNull.Value });
            await using var reader = await run.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return;
            }
            (workspace, source) = (reader.GetString(0), reader.GetString(1));
        }
        var raised = !cancelled && await alert.RaiseAsync(connection, transaction, message.SyncRunId, workspace, source, message.Stream,
            message.ErrorCode, message.Reason, clock.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (raised)
        {
            signal.Notify();
        }
    }
}
