using Npgsql;
using Platform.Aggregation.Domain;
using Platform.Aggregation.Persistence;

namespace Platform.Aggregation.Hosting;

/// <summary>
/// Re-rates every client's segment and churn risk on a timer: recency grows with the clock, so a client becomes
/// at risk or churned without any event. Only rows whose rating changed are written.
/// </summary>
internal sealed partial class SegmentRefresher(NpgsqlDataSource dataSource, AggregationOptions options, ILogger<SegmentRefresher> logger)
    : BackgroundService
{
    private static readonly string Sql = AggregationStore.RateSegmentsWhere("true");

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

    /// <summary>Re-rates every client; returns how many changed segment or risk.</summary>
    public static async Task<int> RefreshAsync(NpgsqlDataSource dataSource, SegmentOptions segments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(Sql);
        foreach (var (name, value) in AggregationStore.SegmentParameters(segments))
        {
            command.Parameters.Add(AggregationStore.Parameter(name, value));
        }
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Segments refreshed: {Changed} client(s) changed segment or churn risk")]
    private static partial void LogRefreshed(ILogger logger, int changed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The segment refresh failed; it tries again at the next tick")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
