using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Connectors;

namespace Platform.SyncOrchestrator.Consumers;

/// <summary>
/// Records a page of progress. Counts only grow (each column keeps the greatest value seen), so a redelivered
/// or out-of-order report changes nothing; a report for a finished run changes nothing either. The run row is
/// locked first, which serialises the reports of one run against its completion.
/// </summary>
internal sealed class SyncProgressedConsumer(NpgsqlDataSource dataSource, TimeProvider clock) : IConsumer<SyncProgressed>
{
    public async Task Consume(ConsumeContext<SyncProgressed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var run = new NpgsqlCommand("""
            update sync_runs set status = case when status = 'requested' then 'running' else status end,
                                 started_at = coalesce(started_at, @now)
            where id = @id and status in ('requested', 'running', 'cancelling')
            """, connection, transaction))
        {
            run.Parameters.Add(new NpgsqlParameter<Guid>("id", message.SyncRunId));
            run.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            if (await run.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return; // unknown here, or already finished: a late report changes nothing
            }
        }

        int advanced;
        await using (var stream = new NpgsqlCommand("""
            insert into sync_run_streams as s (run_id, stream, records_fetched, records_staged, pages, retries, rate_limit_waits,
                                               checkpoint, last_progress_at, completed)
            values (@id, @stream, @fetched, @staged, @pages, @retries, @waits, @checkpoint, @now, false)
            on conflict (run_id, stream) do update set
                records_fetched = greatest(s.records_fetched, excluded.records_fetched),
                records_staged = greatest(s.records_staged, excluded.records_staged),
                pages = greatest(s.pages, excluded.pages),
                retries = greatest(s.retries, excluded.retries),
                rate_limit_waits = greatest(s.rate_limit_waits, excluded.rate_limit_waits),
                checkpoint = case when excluded.pages > s.pages then excluded.checkpoint else s.checkpoint end,
                last_progress_at = case when excluded.pages > s.pages then excluded.last_progress_at else s.last_progress_at end
            where excluded.pages > s.pages or excluded.records_fetched > s.records_fetched or excluded.records_staged > s.records_staged
               or excluded.retries > s.retries or excluded.rate_limit_waits > s.rate_limit_waits
            """, connection, transaction))
        {
            stream.Parameters.Add(new NpgsqlParameter<Guid>("id", message.SyncRunId));
            stream.Parameters.Add(new NpgsqlParameter<string>("stream", message.Stream));
            stream.Parameters.Add(new NpgsqlParameter<long>("fetched", message.RecordsFetched));
            stream.Parameters.Add(new NpgsqlParameter<long>("staged", message.RecordsStaged));
            stream.Parameters.Add(new NpgsqlParameter<int>("pages", message.Pages));
            stream.Parameters.Add(new NpgsqlParameter<int>("retries", message.Retries));
            stream.Parameters.Add(new NpgsqlParameter<int>("waits", message.RateLimitWaits));
            stream.Parameters.Add(new NpgsqlParameter("checkpoint", NpgsqlDbType.Text) { Value = (object?)message.Checkpoint ?? DBNull.Value });
            stream.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            advanced = await stream.ExecuteNonQueryAsync(cancellationToken);
        }
        if (advanced > 0)
        {
            // Moving forward is what the stuck detector watches; it also clears an earlier stuck mark.
            await using var touch = new NpgsqlCommand(
                "update sync_runs set last_progress_at = @now, stuck_since = null where id = @id", connection, transaction);
            touch.Parameters.Add(new NpgsqlParameter<Guid>("id", message.SyncRunId));
            touch.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
