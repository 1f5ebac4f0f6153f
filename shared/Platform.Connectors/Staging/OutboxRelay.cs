using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.ServiceDefaults.DeadLetters;

namespace Platform.Connectors.Staging;

/// <summary>Relay tuning (<c>Connector:Relay</c>).</summary>
public sealed class RelayOptions
{
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Rows of a sync run published together in one <see cref="RawRecordsStaged"/> at most (1: one
    /// <see cref="RawRecordStaged"/> a row, as webhook rows always go).
    /// </summary>
    public int RecordsPerMessage { get; set; } = 100;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Rows staged by this process kept in memory for the relay at most (<see cref="StagedRowMemory"/>; 0: the relay reads
    /// every row back from the database).
    /// </summary>
    public int RowsInMemory { get; set; } = 20_000;

    /// <summary>
    /// The queues whose backlog paces a sync run's rows: while one of them holds <see cref="MaxQueuedMessages"/> ready
    /// messages or more, those rows wait in the outbox (a webhook's rows still go). Default: identity resolution's queue of
    /// bulk messages, so a "Unify all" of a million rows is fed to it as it resolves, not poured into the broker at once.
    /// </summary>
    public string[] PaceQueues { get; set; } = ["identity-resolution-raw-records-staged"];

    /// <summary>Ready messages in a pace queue that hold a sync run's rows back (0: never held back).</summary>
    public int MaxQueuedMessages { get; set; } = 50;

    /// <summary>
    /// The queues whose backlog paces the live lane (a webhook's rows, one message each): a storm the consumers cannot keep
    /// up with waits in the outbox, in order, not in the broker. Default: identity resolution's queue of single records.
    /// </summary>
    public string[] LivePaceQueues { get; set; } = ["identity-resolution-raw-record-staged"];

    /// <summary>Ready messages in a live pace queue that hold the live lane back (0: never held back).</summary>
    public int MaxQueuedLiveMessages { get; set; } = 2000;

    /// <summary>How long a reading of the pace queues holds (<see cref="RelayPacer"/>).</summary>
    public TimeSpan PaceCheckInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// Publishes the rows whose ids are queued in raw_record_outbox (committed, releasable rows), live rows first (staged
/// without a sync run: a webhook's; they do not wait behind the hundreds of thousands of ids a "Unify all" queues), each
/// lane in id order: a webhook's rows one <see cref="RawRecordStaged"/> each (the live path), a sync run's rows up to
/// <see cref="RelayOptions.RecordsPerMessage"/> of a workspace in one <see cref="RawRecordsStaged"/> (a bulk message
/// costs the broker, the relay and identity resolution one delivery, not a hundred). The whole batch is published at
/// once with the broker's confirms pipelined, then the confirmed ids leave the outbox (a
/// delete from a narrow table; raw_records itself is never rewritten). A session advisory lock per connector schema
/// makes one relay instance publish at a time. If the broker is slow or down, what it confirmed leaves the outbox
/// and the rest waits for the next batch: nothing is lost, nothing confirmed is published again. Each lane is paced by its
/// consumers' backlog (<see cref="RelayPacer"/>, <see cref="RelayOptions.PaceQueues"/>, <see cref="RelayOptions.LivePaceQueues"/>):
/// the broker holds a few thousand of a release's records at a time, not all of them (bench e2e at 1,000,000 records:
/// 540,000 records and 1.3 GB in RabbitMQ before).
/// </summary>
internal sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    RelaySignal signal,
    ConnectorDescriptor connector,
    RelayOptions options,
    StagedRowMemory memory,
    BrokerQueues broker,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly RelayPacer _live = new("live", () => options.LivePaceQueues, () => options.MaxQueuedLiveMessages, options, broker,
        connector.ServiceName, logger);
    private readonly RelayPacer _bulk = new("sync-run", () => options.PaceQueues, () => options.MaxQueuedMessages, options, broker,
        connector.ServiceName, logger);

    // Two lanes: live rows (staged without a sync run: a webhook's) first, then the rest, each in id order; a lane its
    // consumers hold back (a fresh reading of their queue) is not read at all.
    private const string OutboxSql = """
        select id, lane from (
            (select id, 0 as lane from raw_record_outbox where live and @live_open order by id limit @limit)
            union all
            (select id, 1 as lane from raw_record_outbox where not live and @bulk_open order by id limit @limit)) o
        order by lane, id limit @limit
        """;

    // Rows this process did not stage (or no longer holds) are read back: one primary-key probe each (offset 0 keeps the
    // lateral subquery from being flattened): as a plain join, raw_records growing faster than autovacuum analysed it was
    // planned as a scan of the whole table (bench e2e: 12 ms a batch, the connector's largest database cost).
    private const string ReadBackSql = """
        select r.id, r.workspace_id, r.correlation_id, r.sync_run_id, r.received_at, r.canonical
        from unnest(@ids) as o (id)
        cross join lateral (
            select r.id, r.workspace_id, r.correlation_id, r.sync_run_id, r.received_at, r.canonical
            from raw_records r where r.id = o.id offset 0) r
        """;

    private const string LockSql = "select pg_try_advisory_lock(hashtextextended('outbox-relay:' || current_schema(), 0))";
    private const string UnlockSql = "select pg_advisory_unlock(hashtextextended('outbox-relay:' || current_schema(), 0))";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishBatchAsync(stoppingToken);
                backoff = TimeSpan.FromMilliseconds(500);
                if (published >= options.BatchSize)
                {
                    continue;
                }
                await signal.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The relay must outlive any broker or database outage; the rows stay unpublished.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRelayFailed(logger, ex, connector.ServiceName, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Publishes one batch; returns how many rows it published.</summary>
    internal async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand(LockSql, connection))
        {
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }
        try
        {
            var batch = await ReadBatchAsync(connection, cancellationToken);
            if (batch.Count == 0)
            {
                return 0;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.PublishTimeout);
            // Every publish is started before any confirm is awaited: one round trip for the batch, not one per message.
            var messages = Messages(batch);
            var sends = messages.Select(m => bus.Publish(m.Message, m.Message.GetType(), context => context.CorrelationId = m.CorrelationId, timeout.Token)).ToList();
            Exception? failure = null;
            try
            {
                await Task.WhenAll(sends);
            }
#pragma warning disable CA1031 // Confirmed messages leave the outbox below; the failure is rethrown after.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }
            var confirmed = messages.Where((_, i) => sends[i].IsCompletedSuccessfully).SelectMany(m => m.Ids).ToArray();
            if (confirmed.Length > 0)
            {
                await using var done = new NpgsqlCommand("delete from raw_record_outbox where id = any(@ids)", connection);
                done.Parameters.Add(new NpgsqlParameter<long[]>("ids", confirmed));
                await done.ExecuteNonQueryAsync(CancellationToken.None);
            }
            if (failure is not null)
            {
                throw new InvalidOperationException($"{batch.Count - confirmed.Length} of {batch.Count} rows were not confirmed by the broker.", failure);
            }
            return batch.Count;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand(UnlockSql, connection);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The next queued ids in order, as messages: from memory for the rows this process staged, read back from
    /// raw_records for the others.
    /// </summary>
    private async Task<List<(long Id, RawRecordStaged Message)>> ReadBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var ids = new List<long>(options.BatchSize);
        var (live, bulk) = (0, 0);
        if (_live.HeldBack && _bulk.HeldBack)
        {
            return [];
        }
        await using (var outbox = new NpgsqlCommand(OutboxSql, connection))
        {
            outbox.Parameters.Add(new NpgsqlParameter<int>("limit", options.BatchSize));
            outbox.Parameters.Add(new NpgsqlParameter<bool>("live_open", !_live.HeldBack));
            outbox.Parameters.Add(new NpgsqlParameter<bool>("bulk_open", !_bulk.HeldBack));
            await using var reader = await outbox.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
                if (reader.GetInt32(1) == 0)
                {
                    live++;
                }
                else
                {
                    bulk++;
                }
            }
        }
        // A lane held back by its consumers leaves the batch (its rows stay queued, and in memory too); live rows come first.
        if (bulk > 0 && await _bulk.HoldsBackAsync(cancellationToken))
        {
            ids.RemoveRange(live, bulk);
        }
        if (live > 0 && await _live.HoldsBackAsync(cancellationToken))
        {
            ids.RemoveRange(0, live);
        }
        var messages = new Dictionary<long, RawRecordStaged>(ids.Count);
        List<long>? readBack = null;
        foreach (var id in ids)
        {
            if (memory.TryTake(id, out var row))
            {
                messages[id] = Message(id, row);
            }
            else
            {
                (readBack ??= []).Add(id);
            }
        }
        if (readBack is not null)
        {
            await using var select = new NpgsqlCommand(ReadBackSql, connection);
            select.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. readBack]));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // The mapping is read as its UTF-8 bytes and deserialized from them (no string of it in between).
                var record = JsonSerializer.Deserialize<CanonicalRecord>(reader.GetFieldValue<byte[]>(5), CanonicalJson.Options)
                    ?? throw new InvalidOperationException($"raw_records row {reader.GetInt64(0)} has an empty canonical record");
                messages[reader.GetInt64(0)] = Message(reader.GetInt64(0), new StagedRow(reader.GetString(1), reader.GetGuid(2),
                    reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetFieldValue<DateTimeOffset>(4), record));
            }
            memory.ReadBack(readBack.Count);
        }
        var batch = new List<(long Id, RawRecordStaged Message)>(ids.Count);
        foreach (var id in ids)
        {
            if (messages.TryGetValue(id, out var message))
            {
                batch.Add((id, message));
            }
        }
        return batch;
    }

    private RawRecordStaged Message(long id, StagedRow row) => new()
    {
        WorkspaceId = row.WorkspaceId,
        CorrelationId = row.CorrelationId,
        SyncRunId = row.SyncRunId,
        StagedAt = row.StagedAt,
        RawRecordId = id,
        Source = connector.Source,
        Record = row.Record,
    };

    /// <summary>
    /// The batch as messages, in its order: a webhook's row alone; consecutive rows of sync runs of one workspace together,
    /// up to <see cref="RelayOptions.RecordsPerMessage"/>.
    /// </summary>
    private List<(long[] Ids, object Message, Guid CorrelationId)> Messages(List<(long Id, RawRecordStaged Message)> batch)
    {
        var messages = new List<(long[] Ids, object Message, Guid CorrelationId)>();
        var run = new List<(long Id, RawRecordStaged Message)>();
        void Alone((long Id, RawRecordStaged Message) row) => messages.Add(([row.Id], row.Message, row.Message.CorrelationId));
        void Flush()
        {
            if (run.Count == 1)
            {
                Alone(run[0]);
            }
            else if (run.Count > 1)
            {
                messages.Add((run.Select(r => r.Id).ToArray(), new RawRecordsStaged
                {
                    WorkspaceId = run[0].Message.WorkspaceId,
                    Source = connector.Source,
                    Records = run.Select(r => r.Message).ToList(),
                }, run[0].Message.SyncRunId ?? run[0].Message.CorrelationId));
            }
            run.Clear();
        }
        foreach (var row in batch)
        {
            if (row.Message.SyncRunId is null || options.RecordsPerMessage <= 1)
            {
                Flush();
                Alone(row);
                continue;
            }
            if (run.Count > 0 && (run[0].Message.WorkspaceId != row.Message.WorkspaceId || run.Count >= options.RecordsPerMessage))
            {
                Flush();
            }
            run.Add(row);
        }
        Flush();
        return messages;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Connector} relay could not publish; retrying in {Backoff}")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, string connector, TimeSpan backoff);
}
