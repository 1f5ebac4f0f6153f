using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Contracts.Connectors;

namespace Platform.Connectors.Backfill;

/// <summary>
/// Runs syncs in the background: picks up requested runs and runs interrupted by a crash or restart, each under
/// a session advisory lock so two connector instances never run the same run; publishes each finished run's
/// SyncCompleted/SyncFailed (the run row is the outbox for that outcome).
/// </summary>
internal sealed partial class BackfillWorker(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    BackfillSignal signal,
    BackfillOptions options,
    ConnectorDescriptor connector,
    IBus bus,
    ILogger<BackfillWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Task> _active = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishOutcomesAsync(stoppingToken);
                foreach (var runId in await RunnableAsync(options.MaxConcurrentRuns - _active.Count, stoppingToken))
                {
                    _active[runId] = Task.Run(() => ExecuteRunAsync(runId, stoppingToken), stoppingToken);
                }
                await signal.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The worker outlives database and broker outages; runs resume from their checkpoints.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogWorkerFailed(logger, ex);
                await Task.Delay(options.PollInterval, stoppingToken);
            }
        }
        await Task.WhenAll(_active.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private async Task<List<Guid>> RunnableAsync(int slots, CancellationToken cancellationToken)
    {
        var runs = new List<Guid>();
        if (slots <= 0)
        {
            return runs;
        }
        await using var command = dataSource.CreateCommand(
            "select id from sync_runs where status in ('pending', 'running') and not (id = any(@active)) order by requested_at limit @slots");
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("active", _active.Keys.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<int>("slots", slots));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(reader.GetGuid(0));
        }
        return runs;
    }

    private async Task ExecuteRunAsync(Guid runId, CancellationToken stoppingToken)
    {
        try
        {
            // Held on its own connection for the whole run; released when the connection closes (or the process dies).
            await using var lockConnection = await dataSource.OpenConnectionAsync(stoppingToken);
            await using (var tryLock = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended('backfill-run:' || @id::text, 0))", lockConnection))
            {
                tryLock.Parameters.Add(new NpgsqlParameter<Guid>("id", runId));
                if (await tryLock.ExecuteScalarAsync(stoppingToken) is not true)
                {
                    return;
                }
            }
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BackfillRunner>().RunAsync(runId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the run stays 'running' and resumes from its checkpoint at the next start.
        }
#pragma warning disable CA1031 // An unexpected error: the run resumes from its checkpoint, a bounded number of times.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRunInterrupted(logger, ex, runId);
            try
            {
                var attempts = await RecordFailedAttemptAsync(runId, ex, stoppingToken);
                await Task.Delay(options.PollInterval * Math.Min(attempts, 8), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                // Shutting down.
            }
#pragma warning disable CA1031 // The database is unreachable too: the run stays as it is and is tried again later.
            catch (Exception recordFailure)
#pragma warning restore CA1031
            {
                LogWorkerFailed(logger, recordFailure);
            }
        }
        finally
        {
            _active.TryRemove(runId, out _);
            signal.Notify();
        }
    }

    /// <summary>
    /// Counts a failed attempt of the run; the last allowed one (<see cref="BackfillOptions.MaxAttempts"/>) fails the run
    /// with the error as its reason, so an error that is not the source's (a bug, a value the mapping cannot read, the
    /// network after every retry) ends in SyncFailed instead of a retry loop. Returns the attempts so far.
    /// </summary>
    private async Task<int> RecordFailedAttemptAsync(Guid runId, Exception error, CancellationToken cancellationToken)
    {
        var reason = $"The run stopped after {options.MaxAttempts} attempts, each ending in an unexpected error " +
            $"({error.GetType().Name}: {error.Message}). The pages staged before are kept; fix the cause and start a new sync.";
        await using var command = dataSource.CreateCommand("""
            update sync_runs set attempts = attempts + 1,
                   status = case when attempts + 1 >= @max then 'failed' else status end,
                   error_code = case when attempts + 1 >= @max then 'internal' else error_code end,
                   error = case when attempts + 1 >= @max then @reason else error end,
                   finished_at = case when attempts + 1 >= @max then now() else finished_at end,
                   outcome_published = case when attempts + 1 >= @max then false else outcome_published end
            where id = @id and status in ('pending', 'running')
            returning attempts
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", runId));
        command.Parameters.Add(new NpgsqlParameter<int>("max", Math.Max(1, options.MaxAttempts)));
        command.Parameters.Add(new NpgsqlParameter<string>("reason", reason.Length > 2000 ? reason[..2000] : reason));
        return await command.ExecuteScalarAsync(cancellationToken) is int attempts ? attempts : 0;
    }

    private async Task PublishOutcomesAsync(CancellationToken cancellationToken)
    {
        var outcomes = new List<(Guid Id, object Message)>();
        await using (var command = dataSource.CreateCommand("""
            select r.id, r.workspace_id, r.correlation_id, r.status, r.error_code, r.error, coalesce(r.finished_at, now()),
                   coalesce(array_agg(c.stream order by c.stream) filter (where c.stream is not null), '{}'),
                   coalesce(array_agg(c.fetched order by c.stream) filter (where c.stream is not null), '{}'),
                   coalesce(array_agg(c.staged order by c.stream) filter (where c.stream is not null), '{}'),
                   coalesce(array_agg(c.pages order by c.stream) filter (where c.stream is not null), '{}'),
                   coalesce(array_agg(w.watermark order by c.stream) filter (where c.stream is not null), '{}')
            from sync_runs r
            left join sync_checkpoints c on c.run_id = r.id
            left join stream_watermarks w on w.workspace_id = r.workspace_id and w.stream = c.stream and w.run_id = r.id
            where r.status in ('succeeded', 'failed', 'cancelled') and not r.outcome_published
            group by r.id
            limit 100
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                var workspace = reader.GetString(1);
                var correlation = reader.GetGuid(2);
                var at = reader.GetFieldValue<DateTimeOffset>(6);
                if (reader.GetString(3) == "succeeded")
                {
                    var streams = reader.GetFieldValue<string[]>(7);
                    var fetched = reader.GetFieldValue<long[]>(8);
                    var staged = reader.GetFieldValue<long[]>(9);
                    var pages = reader.GetFieldValue<int[]>(10);
                    var watermarks = reader.GetFieldValue<DateTime?[]>(11);
                    outcomes.Add((id, new SyncCompleted
                    {
                        WorkspaceId = workspace, CorrelationId = correlation, SyncRunId = id, Source = connector.Source, CompletedAt = at,
                        Streams = streams.Select((s, i) => new StreamSummary(s, fetched[i], staged[i], pages[i],
                            watermarks[i] is { } w ? new DateTimeOffset(w, TimeSpan.Zero) : null)).ToList(),
                    }));
                }
                else
                {
                    outcomes.Add((id, new SyncFailed
                    {
                        WorkspaceId = workspace, CorrelationId = correlation, SyncRunId = id, Source = connector.Source, FailedAt = at,
                        ErrorCode = reader.IsDBNull(4) ? "internal" : reader.GetString(4),
                        Reason = reader.IsDBNull(5) ? "The run failed without a recorded reason." : reader.GetString(5),
                    }));
                }
            }
        }
        foreach (var (id, message) in outcomes)
        {
            await bus.Publish(message, cancellationToken);
            await using var mark = dataSource.CreateCommand("update sync_runs set outcome_published = true where id = @id");
            mark.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfill worker loop failed; retrying")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} was interrupted; it resumes from its checkpoint")]
    private static partial void LogRunInterrupted(ILogger logger, Exception exception, Guid runId);
}
