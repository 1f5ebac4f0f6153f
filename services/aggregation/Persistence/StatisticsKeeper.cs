using System.Diagnostics;
using Npgsql;

namespace Platform.Aggregation.Persistence;

/// <summary>
/// Keeps the planner's statistics of the aggregation tables current during bulk imports. The write path joins a few
/// hundred keys against tables that may have grown from nothing in the last minute (a first import); before autovacuum
/// analyzes them the planner believes a workspace holds 0.5 % of a table and scans the whole workspace instead of
/// looking keys up — batches then slow down as the tables grow. So, at most every few seconds, the tables changed by
/// more than a fifth since their last analyze are analyzed (a sample: a few hundred milliseconds on large tables).
/// </summary>
internal sealed partial class StatisticsKeeper(NpgsqlDataSource dataSource, ILogger<StatisticsKeeper> logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private int _running;
    private readonly Stopwatch _sinceCheck = Stopwatch.StartNew();

    /// <summary>Analyzes stale tables when it is time to look; returns at once when another caller is already at it.</summary>
    public async Task RefreshIfStaleAsync(CancellationToken cancellationToken)
    {
        if (_sinceCheck.Elapsed < Interval || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }
        try
        {
            if (_sinceCheck.Elapsed < Interval)
            {
                return;
            }
            _sinceCheck.Restart();
            var stale = new List<string>();
            await using (var command = dataSource.CreateCommand("""
                select relname from pg_stat_user_tables
                where schemaname = 'aggregation'
                  and relname in ('sales', 'client_records', 'customer_activities', 'customer_sales', 'cs_customers', 'customer_360')
                  and n_mod_since_analyze > greatest(1000, 0.2 * n_live_tup)
                """))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    stale.Add(reader.GetString(0));
                }
            }
            foreach (var table in stale)
            {
                await using var analyze = dataSource.CreateCommand($"analyze aggregation.{table}");
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }
            if (stale.Count > 0)
            {
                LogAnalyzed(logger, string.Join(", ", stale));
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Analyzed {Tables}: they changed by more than a fifth since their last analyze")]
    private static partial void LogAnalyzed(ILogger logger, string tables);
}
