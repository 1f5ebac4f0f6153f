using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Connectors.Privacy;

/// <summary>
/// How long raw payloads are kept (<c>Connector:Retention</c>): <see cref="DefaultDays"/> for every workspace, or a
/// workspace's own <c>Connectors:{source}:Workspaces:{ws}:RawRetentionDays</c> (set with its source connection). Unset:
/// kept until erased.
/// </summary>
public sealed class RetentionOptions
{
    public int? DefaultDays { get; set; }

    /// <summary>How often old payloads are looked for.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Prunes raw payloads (and webhook bodies) older than the workspace's retention period. The canonical record, its
/// version hashes (so a pruned version is still recognised and not staged again) and its lineage stay.
/// </summary>
public sealed class RawRetention(NpgsqlDataSource dataSource, IConfiguration configuration, ConnectorDescriptor descriptor,
    RetentionOptions options, TimeProvider clock)
{
    /// <summary>The payload kept in place of a pruned one.</summary>
    public const string PrunedPayload = "";

    /// <summary>The workspace's retention period in days, or null when payloads are kept.</summary>
    public int? DaysFor(string workspaceId)
    {
        var own = configuration.GetValue<int?>($"Connectors:{descriptor.Source}:Workspaces:{workspaceId}:RawRetentionDays");
        return own is > 0 ? own : options.DefaultDays is > 0 ? options.DefaultDays : null;
    }

    /// <summary>Prunes every workspace's payloads past its period.</summary>
    /// <returns>How many raw payloads were pruned.</returns>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var workspaces = new List<string>();
        await using (var command = dataSource.CreateCommand("select distinct workspace_id from raw_records where payload_pruned_at is null"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                workspaces.Add(reader.GetString(0));
            }
        }
        var pruned = 0;
        var now = clock.GetUtcNow();
        foreach (var workspace in workspaces)
        {
            if (DaysFor(workspace) is not { } days)
            {
                continue;
            }
            await using var batch = dataSource.CreateBatch();
            var raw = new NpgsqlBatchCommand("""
                update raw_records set payload = @pruned, payload_pruned_at = @now
                where workspace_id = @w and payload_pruned_at is null and received_at < @cutoff
                """);
            var bodies = new NpgsqlBatchCommand("update webhook_events set body = @pruned where workspace_id = @w and received_at < @cutoff and body <> @pruned");
            foreach (var command in new[] { raw, bodies })
            {
                command.Parameters.Add(new NpgsqlParameter<string>("w", workspace));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cutoff", now.AddDays(-days)));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
                command.Parameters.Add(new NpgsqlParameter<string>("pruned", PrunedPayload));
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            pruned += raw.RecordsAffected;
        }
        return pruned;
    }
}

/// <summary>Runs <see cref="RawRetention"/> every <see cref="RetentionOptions.Interval"/>.</summary>
public sealed partial class RawRetentionWorker(RawRetention retention, RetentionOptions options, ILogger<RawRetentionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pruned = await retention.PruneAsync(stoppingToken);
                if (pruned > 0)
                {
                    LogPruned(logger, pruned);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogFailed(logger, ex.Message); // the database is away: the next round tries again
            }
            await Task.Delay(options.Interval, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} raw payloads past their workspace's retention period")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raw payload retention did not run: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
