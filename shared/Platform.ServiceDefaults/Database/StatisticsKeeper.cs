using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.ServiceDefaults.Database;

/// <summary>
/// Keeps the planner's statistics of a service's busiest tables current during bulk work. Write paths join a few
/// hundred keys against tables that may have grown from nothing in the last minute (a first import, a first "Unify
/// all"); autovacuum looks once a minute, and until it analyzes them the planner believes a workspace holds a sliver of
/// a table and scans all of it instead of looking keys up, so batches slow down as the tables grow (aggregation's
/// write path; identity resolution's component walk, 30-45 ms a batch instead of a few; a staging lookup that read the
/// whole workspace each page). So, at most every few seconds, the tables changed by more than a fifth since their
/// last analyze are analyzed (a sample: a few hundred milliseconds on large tables). The tables' jsonb columns are left
/// out of every analyze (statistics target 0, set once), and so are the text columns the service names as documents
/// (<c>table.column</c>: a connector's raw payloads and webhook bodies): no query of these tables compares a whole
/// document, and reading each sampled document (out of TOAST, for a raw payload) was most of an analyze's cost (bench
/// e2e, 60,000 records: 8 analyzes of identity's records at 483 ms each; bench staging, 102,400 raw Stripe rows: one
/// analyze of raw_records, 606 ms, with their text payloads sampled).
/// </summary>
public sealed partial class StatisticsKeeper(NpgsqlDataSource dataSource, string schema, IReadOnlyList<string> tables,
    ILogger<StatisticsKeeper> logger, IReadOnlyList<string>? documents = null)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly string[] _tables = [.. tables];
    private readonly string[] _documents = [.. documents ?? []];
    private readonly Stopwatch _sinceCheck = Stopwatch.StartNew();
    private int _running;
    private bool _documentsSkipped;

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
            if (!_documentsSkipped)
            {
                await SkipDocumentsAsync(cancellationToken);
                _documentsSkipped = true;
            }
            var stale = new List<string>();
            await using (var command = dataSource.CreateCommand("""
                select relname from pg_stat_user_tables
                where schemaname = @schema and relname = any(@tables)
                  and n_mod_since_analyze > greatest(1000, 0.2 * n_live_tup)
                """))
            {
                command.Parameters.Add(new NpgsqlParameter<string>("schema", schema));
                command.Parameters.Add(new NpgsqlParameter<string[]>("tables", _tables));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    stale.Add(reader.GetString(0));
                }
            }
            foreach (var table in stale)
            {
                // Names from the service's own list, quoted: schemas such as "identity-resolution" need it.
                await using var analyze = dataSource.CreateCommand($"analyze \"{schema}\".\"{table}\"");
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }
            if (stale.Count > 0)
            {
                LogAnalyzed(logger, schema, string.Join(", ", stale));
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Statistics target 0 on the tables' jsonb columns and named documents that do not have it yet (so a restart alters nothing).
    /// </summary>
    private async Task SkipDocumentsAsync(CancellationToken cancellationToken)
    {
        var columns = new List<(string Table, string Column)>();
        await using (var command = dataSource.CreateCommand("""
            select c.relname, a.attname from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = @schema and c.relname = any(@tables)
              and (a.atttypid = 'jsonb'::regtype or c.relname || '.' || a.attname = any(@documents))
              and a.attnum > 0 and not a.attisdropped and coalesce(a.attstattarget, -1) <> 0
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("schema", schema));
            command.Parameters.Add(new NpgsqlParameter<string[]>("tables", _tables));
            command.Parameters.Add(new NpgsqlParameter<string[]>("documents", _documents));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (table, column) in columns)
        {
            // Names read from the catalog, quoted.
            await using var alter = dataSource.CreateCommand(
                $"alter table \"{schema}\".\"{table}\" alter column \"{column}\" set statistics 0");
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Analyzed {Schema}: {Tables} changed by more than a fifth since their last analyze")]
    private static partial void LogAnalyzed(ILogger logger, string schema, string tables);
}

public static class StatisticsKeeperExtensions
{
    /// <summary>Registers the <see cref="StatisticsKeeper"/> of the service's busiest tables (in its own schema).</summary>
    public static IHostApplicationBuilder AddStatisticsKeeper(this IHostApplicationBuilder builder, string schema, params string[] tables) =>
        builder.AddStatisticsKeeper(schema, tables, []);

    /// <summary>
    /// Registers the <see cref="StatisticsKeeper"/> of the service's busiest tables, with the text columns that hold
    /// documents (<c>table.column</c>) left out of their analyzes like jsonb columns.
    /// </summary>
    public static IHostApplicationBuilder AddStatisticsKeeper(this IHostApplicationBuilder builder, string schema, string[] tables, string[] documents)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(services => new StatisticsKeeper(
            services.GetRequiredService<NpgsqlDataSource>(), schema, tables, services.GetRequiredService<ILogger<StatisticsKeeper>>(), documents));
        return builder;
    }
}
