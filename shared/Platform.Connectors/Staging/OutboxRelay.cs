using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;

namespace Platform.Connectors.Staging;

/// <summary>Relay tuning (<c>Connector:Relay</c>).</summary>
public sealed class RelayOptions
{
    public int BatchSize { get; set; } = 500;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Publishes <see cref="RawRecordStaged"/> for committed, releasable rows in id order and marks them published
/// in the same transaction. A transaction-scoped advisory lock per connector schema makes one relay instance
/// publish at a time, so two instances never publish the same row and a record's versions keep their order.
/// If the broker is down the transaction rolls back and the rows wait: nothing is lost, only delayed.
/// </summary>
internal sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    RelaySignal signal,
    ConnectorDescriptor connector,
    RelayOptions options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const string SelectSql = """
        select id, workspace_id, correlation_id, sync_run_id, received_at, canonical::text
        from raw_records
        where published_at is null and (unify = 'now' or released_at is not null)
        order by id
        limit @limit
        """;

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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand(
            "select pg_try_advisory_xact_lock(hashtextextended('outbox-relay:' || current_schema(), 0))", connection, transaction))
        {
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        var batch = new List<(long Id, RawRecordStaged Message)>();
        await using (var select = new NpgsqlCommand(SelectSql, connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<int>("limit", options.BatchSize));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var record = JsonSerializer.Deserialize<CanonicalRecord>(reader.GetString(5), CanonicalJson.Options)
                    ?? throw new InvalidOperationException($"raw_records row {reader.GetInt64(0)} has an empty canonical record");
                batch.Add((reader.GetInt64(0), new RawRecordStaged
                {
                    WorkspaceId = reader.GetString(1),
                    CorrelationId = reader.GetGuid(2),
                    SyncRunId = reader.IsDBNull(3) ? null : reader.GetGuid(3),
                    StagedAt = reader.GetFieldValue<DateTimeOffset>(4),
                    RawRecordId = reader.GetInt64(0),
                    Source = connector.Source,
                    Record = record,
                }));
            }
        }
        if (batch.Count == 0)
        {
            return 0;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PublishTimeout);
        foreach (var (_, message) in batch)
        {
            await bus.Publish(message, context => context.CorrelationId = message.CorrelationId, timeout.Token);
        }

        await using (var mark = new NpgsqlCommand(
            "update raw_records set published_at = now() where id = any(@ids)", connection, transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter<long[]>("ids", batch.Select(b => b.Id).ToArray()));
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Connector} relay could not publish; retrying in {Backoff}")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, string connector, TimeSpan backoff);
}
