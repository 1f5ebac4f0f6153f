using System.Data;
using Npgsql;
using Platform.Aggregation.Domain;
using Platform.Aggregation.Persistence;

namespace Platform.Aggregation.Hosting;

/// <summary>
/// Re-rates every client's segment and churn risk on a timer: recency grows with the clock, so a client becomes at risk
/// or churned without any event. One workspace at a time, under the workspace's lock (so it never interleaves with a
/// batch of the same workspace); only rows whose rating changed are written.
/// </summary>
internal sealed partial class SegmentRefresher(NpgsqlDataSource dataSource, AggregationOptions options, ILogger<SegmentRefresher> logger)
    : BackgroundService
{
    private static readonly string Sql = AggregationStore.RateSegmentsWhere("c2.workspace_id = @w");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.Segments.RefreshMinutes)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var changed = await RefreshAsync(dataSource, options.Segments, stoppingToken);
                LogRefreshed(logger, changed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefreshFailed(logger, ex);
            }
        }
    }

    /// <summary>Re-rates every client of every workspace; returns how many changed segment or risk.</summary>
    public static async Task<int> RefreshAsync(NpgsqlDataSource dataSource, SegmentOptions segments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var workspaces = new List<string>();
        await using (var list = dataSource.CreateCommand("select distinct workspace_id from customer_360"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                workspaces.Add(reader.GetString(0));
            }
        }
        var changed = 0;
        foreach (var workspace in workspaces)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                var rate = new NpgsqlBatchCommand(Sql);
                rate.Parameters.AddWithValue("w", workspace);
                foreach (var (name, value) in AggregationStore.SegmentParameters(segments))
                {
                    rate.Parameters.Add(AggregationStore.Parameter(name, value));
                }
                var lockCommand = new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended(@key, 0))");
                lockCommand.Parameters.AddWithValue("key", AggregationStore.LockKey(workspace));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("set local jit = off"));
                batch.BatchCommands.Add(lockCommand);
                batch.BatchCommands.Add(rate);
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                while (await reader.NextResultAsync(cancellationToken))
                {
                }
                changed += rate.RecordsAffected;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return changed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Segments refreshed: {Changed} client(s) changed segment or churn risk")]
    private static partial void LogRefreshed(ILogger logger, int changed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The segment refresh failed; it tries again at the next tick")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
