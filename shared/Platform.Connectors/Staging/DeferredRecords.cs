using Npgsql;
using NpgsqlTypes;

namespace Platform.Connectors.Staging;

/// <summary>
/// Rows staged for a later "Unify all" wait in a narrow queue (<c>raw_record_deferred</c>: workspace, id, run), filled by
/// <see cref="StagingStore"/> in the statement that takes their ids. Releasing them moves ids from that queue to the
/// outbox, a chunk a transaction: the raw rows (a kilobyte each, five indexes) are never rewritten, the relay starts
/// publishing after the first chunk, and no statement grows with the backlog (releasing 1,000,000 rows in one
/// <c>UPDATE</c> ran past the 30 s command timeout, was retried, and never finished).
/// </summary>
public static class DeferredRecords
{
    /// <summary>Ids moved to the outbox a transaction.</summary>
    public const int ReleaseChunk = 20_000;

    /// <summary>
    /// Releases the workspace's deferred rows (only the run's when <paramref name="syncRunId"/> is given), oldest first,
    /// waking the relay after each chunk of <paramref name="chunk"/> ids. Idempotent: a release that stopped half way
    /// releases the rest when run again.
    /// </summary>
    /// <returns>How many rows were released.</returns>
    public static async Task<long> ReleaseAsync(NpgsqlDataSource dataSource, string workspaceId, Guid? syncRunId, RelaySignal? relay,
        CancellationToken cancellationToken, int chunk = ReleaseChunk)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunk);
        var run = syncRunId is null ? "" : "and sync_run_id = @run";
        var sql = $"""
            with chunk as (
                select id from raw_record_deferred where workspace_id = @workspace {run} order by id limit @limit),
            released as (
                delete from raw_record_deferred d using chunk c where d.workspace_id = @workspace and d.id = c.id
                returning d.id),
            queued as (
                insert into raw_record_outbox (id) select id from released on conflict do nothing)
            select count(*)::int from released
            """;
        long total = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string>("workspace", workspaceId));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", chunk));
            if (syncRunId is { } id)
            {
                command.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Uuid) { Value = id });
            }
            var released = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            total += released;
            if (released > 0)
            {
                relay?.Notify();
            }
            if (released < chunk)
            {
                return total;
            }
        }
    }
}
