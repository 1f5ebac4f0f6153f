using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Connectors;

namespace Platform.SyncOrchestrator.Consumers;

/// <summary>
/// Marks the run succeeded with the connector's per-stream totals and watermarks. Only an active run moves: a
/// redelivered completion finds it finished and changes nothing.
/// </summary>
internal sealed class SyncCompletedConsumer(NpgsqlDataSource dataSource) : IConsumer<SyncCompleted>
{
    public async Task Consume(ConsumeContext<SyncCompleted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var run = new NpgsqlCommand("""
            update sync_runs set status = 'succeeded', finished_at = @at, stuck_since = null,
                                 started_at = coalesce(started_at, @at)
            where id = @id and status in ('requested', 'running', 'cancelling')
            """, connection, transaction))
        {
            run.Parameters.Add(new NpgsqlParameter<Guid>("id", message.SyncRunId));
            run.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", message.CompletedAt.ToUniversalTime()));
            if (await run.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }
        }
        foreach (var summary in message.Streams)
        {
            await using var stream = new NpgsqlCommand("""
                insert into sync_run_streams as s (run_id, stream, records_fetched, records_staged, pages, retries, rate_limit_waits,
                                                   watermark, completed)
                values (@id, @stream, @fetched, @staged, @pages, 0, 0, @watermark, true)
                on conflict (run_id, stream) do update set
                    records_fetched = greatest(s.records_fetched, excluded.records_fetched),
                    records_staged = greatest(s.records_staged, excluded.records_staged),
                    pages = greatest(s.pages, excluded.pages),
                    watermark = coalesce(excluded.watermark, s.watermark),
                    completed = true
                """, connection, transaction);
            stream.Parameters.Add(new NpgsqlParameter<Guid>("id", message.SyncRunId));
            stream.Parameters.Add(new NpgsqlParameter<string>("stream", summary.Stream));
            stream.Parameters.Add(new NpgsqlParameter<long>("fetched", summary.RecordsFetched));
            stream.Parameters.Add(new NpgsqlParameter<long>("staged", summary.RecordsStaged));
            stream.Parameters.Add(new NpgsqlParameter<int>("pages", summary.Pages));
            stream.Parameters.Add(new NpgsqlParameter("watermark", NpgsqlDbType.TimestampTz)
            {
                Value = (object?)summary.Watermark?.ToUniversalTime() ?? DBNull.Value,
            });
            await stream.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
