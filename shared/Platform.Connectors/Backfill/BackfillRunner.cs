using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Platform.Connectors.Http;
using Platform.Connectors.Staging;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Backfill;

/// <summary>Backfill tuning (<c>Connector:Backfill</c>).</summary>
public sealed class BackfillOptions
{
    /// <summary>Runs one connector instance executes at once (different workspaces or sources' streams).</summary>
    public int MaxConcurrentRuns { get; set; } = 2;

    /// <summary>How often the worker looks for runs when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Streams of one run read at once (they share the workspace's rate limit).</summary>
    public int StreamConcurrency { get; set; } = 2;

    /// <summary>Incremental syncs start this long before the last watermark, so updates committed late at the source are not missed.</summary>
    public TimeSpan IncrementalOverlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Executions of a run that may end in an unexpected error (not a <see cref="SourceException"/>) before the run
    /// fails with that error as its reason. Each resumes from the checkpoint.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Least time between two progress reports of one stream (the last page always reports).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Pages a stream reads ahead of the ones being staged (the source is read while earlier pages commit).</summary>
    public int ReadAheadPages { get; set; } = 16;

    /// <summary>
    /// Records staged in one transaction, in whole pages (a page is never split): consecutive pages are staged and
    /// checkpointed together, so a page of 100 does not pay a transaction's round trips on its own.
    /// </summary>
    public int RecordsPerTransaction { get; set; } = 1_000;

    /// <summary>
    /// Longest a transaction waits for further pages to fill up (a slow source still has its pages committed, and its
    /// progress reported, this often).
    /// </summary>
    public TimeSpan TransactionFillWait { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Thrown inside a run when an operator cancelled it.</summary>
internal sealed class RunCancelledException(string reason) : Exception(reason);

/// <summary>
/// Executes one run: for each stream, read a page, stage its rows and move the checkpoint in one transaction,
/// publish progress, until the stream ends; a finished stream moves the workspace's watermark (unless the run is
/// a date range). After a crash the next execution starts from the committed checkpoint: a page is either
/// entirely staged with its checkpoint or not at all, and re-staging an identical payload is a no-op.
/// </summary>
public sealed partial class BackfillRunner(
    NpgsqlDataSource dataSource,
    IEnumerable<ISourceStreamReader> readers,
    StagingStore staging,
    RelaySignal relay,
    ConnectorCredentials credentials,
    ConnectorDescriptor connector,
    BackfillOptions options,
    IBus bus,
    TimeProvider clock,
    ILogger<BackfillRunner> logger,
    SourceHttpCounters? counters = null)
{
    private sealed record Run(Guid Id, string WorkspaceId, string[] Streams, SyncMode Mode, DateTimeOffset? From, DateTimeOffset? To,
        UnifyMode Unify, string Status, Guid CorrelationId);

    private sealed record Checkpoint(string? Cursor, DateTimeOffset? Since, DateTimeOffset? Until, int Pages, long Fetched, long Staged, bool Done);

    public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await LoadRunAsync(runId, cancellationToken);
        if (run is null || run.Status is not ("pending" or "running"))
        {
            return;
        }
        await ExecuteAsync(
            "update sync_runs set status = 'running', started_at = coalesce(started_at, now()) where id = @id",
            cancellationToken, ("id", run.Id));
        LogRunStarted(logger, connector.Source, run.Id, run.WorkspaceId, string.Join(",", run.Streams), run.Status == "running");

        var baseline = counters?.Snapshot(run.WorkspaceId) ?? (0, 0);
        var byName = readers.ToDictionary(r => r.Name, StringComparer.Ordinal);
        try
        {
            // The first stream to fail cancels the others; its exception is the run's outcome.
            await Parallel.ForEachAsync(run.Streams,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.StreamConcurrency), CancellationToken = cancellationToken },
                async (stream, token) => await RunStreamAsync(run, byName[stream], baseline, token));
            await FinishAsync(run.Id, "succeeded", null, null, cancellationToken);
            LogRunFinished(logger, connector.Source, run.Id, "succeeded", null);
        }
        catch (SourceException ex)
        {
            await FinishAsync(run.Id, "failed", ex.ErrorCode, ex.Message, cancellationToken);
            LogRunFinished(logger, connector.Source, run.Id, "failed", ex.Message);
        }
        catch (RunCancelledException ex)
        {
            await FinishAsync(run.Id, "cancelled", "cancelled", ex.Message, cancellationToken);
            LogRunFinished(logger, connector.Source, run.Id, "cancelled", ex.Message);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            // A payload the mapping cannot read: a person must look at it; retrying would fail the same way.
            var reason = $"{connector.Source} sent data the connector could not read: {ex.Message}";
            await FinishAsync(run.Id, "failed", "bad_response", reason, cancellationToken);
            LogRunFinished(logger, connector.Source, run.Id, "failed", reason);
        }
    }

    private async Task RunStreamAsync(Run run, ISourceStreamReader reader, (long Retries, long RateLimitWaits) baseline, CancellationToken cancellationToken)
    {
        var checkpoint = await StartStreamAsync(run, reader.Name, cancellationToken);
        if (checkpoint.Done)
        {
            return;
        }
        var context = new StreamReadContext(run.WorkspaceId, credentials.For(run.WorkspaceId), run.Mode, checkpoint.Since, checkpoint.Until);
        var stagingContext = new StagingContext(run.WorkspaceId, run.CorrelationId, run.Id, run.Unify);
        var isRange = run.From is not null || run.To is not null;
        var (pages, fetched, staged) = (checkpoint.Pages, checkpoint.Fetched, checkpoint.Staged);
        var lastProgress = DateTimeOffset.MinValue;
        await ThrowIfCancelRequestedAsync(run.Id, cancellationToken);

        // Fetch and stage overlap: pages are read ahead (each page's cursor gives the next) while earlier ones commit.
        using var readAhead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<PreparedPage>(new BoundedChannelOptions(Math.Max(1, options.ReadAheadPages))
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var reading = ReadPagesAsync(reader, context, checkpoint.Cursor, channel.Writer, readAhead.Token);
        var group = new List<PreparedPage>();
        var (transactions, waiting, staging) = (0, TimeSpan.Zero, TimeSpan.Zero);
        var timer = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (true)
            {
                // The pages read so far (at least one), up to a transaction's worth; a page the reader failed after is
                // not lost: the pages before it commit first, then the reader's error ends the stream.
                group.Clear();
                timer.Restart();
                if (!await channel.Reader.WaitToReadAsync(cancellationToken))
                {
                    await reading;
                    throw new InvalidOperationException($"The {reader.Name} reader stopped before the stream's last page.");
                }
                await FillAsync(channel.Reader, group, cancellationToken);
                waiting += timer.Elapsed;
                var last = group[^1];
                var done = last.NextCursor is null;
                if (pages > checkpoint.Pages)
                {
                    // Checked before each transaction after the first: a cancelled run stops at a page boundary.
                    await ThrowIfCancelRequestedAsync(run.Id, cancellationToken);
                }

                timer.Restart();
                var inserted = await StageGroupAsync(run, reader.Name, stagingContext, group, done && !isRange, cancellationToken);
                staging += timer.Elapsed;
                transactions++;
                staged += inserted;
                relay.Notify();
                pages += group.Count;
                fetched += group.Sum(p => p.Fetched);

                var at = clock.GetUtcNow();
                if (!done && at - lastProgress < options.ProgressInterval)
                {
                    continue;
                }
                lastProgress = at;
                var now = counters?.Snapshot(run.WorkspaceId) ?? (0, 0);
                await PublishProgressAsync(new SyncProgressed
                {
                    WorkspaceId = run.WorkspaceId,
                    CorrelationId = run.CorrelationId,
                    SyncRunId = run.Id,
                    Source = connector.Source,
                    Stream = reader.Name,
                    RecordsFetched = fetched,
                    RecordsStaged = staged,
                    Pages = pages,
                    Retries = (int)(now.Retries - baseline.Retries),
                    RateLimitWaits = (int)(now.RateLimitWaits - baseline.RateLimitWaits),
                    Checkpoint = last.NextCursor,
                    At = at,
                }, cancellationToken);

                if (done)
                {
                    await reading;
                    LogStreamTimings(logger, connector.Source, run.Id, reader.Name, pages - checkpoint.Pages, transactions,
                        waiting.TotalSeconds, staging.TotalSeconds);
                    return;
                }
            }
        }
        finally
        {
            if (!reading.IsCompleted)
            {
                // The stream stopped (failure, cancellation) with pages read ahead: abandon them; they are read again on resume.
                await readAhead.CancelAsync();
                await reading.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Takes the pages read so far (at least one) and waits a little for more, until the group holds a transaction's
    /// worth of records, ends the stream, or <see cref="BackfillOptions.TransactionFillWait"/> passed.
    /// </summary>
    private async Task FillAsync(ChannelReader<PreparedPage> pages, List<PreparedPage> group, CancellationToken cancellationToken)
    {
        var records = 0;
        using var fill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        fill.CancelAfter(options.TransactionFillWait);
        while (group.Count == 0 || (group[^1].NextCursor is not null && records < options.RecordsPerTransaction))
        {
            if (pages.TryRead(out var next))
            {
                group.Add(next);
                records += next.Records.Length;
                continue;
            }
            if (group.Count == 0)
            {
                return; // the reader stopped (its outcome is awaited by the caller)
            }
            try
            {
                if (!await pages.WaitToReadAsync(fill.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return; // waited long enough: stage what is here
            }
        }
    }

    /// <summary>A page read and prepared for COPY (mappings serialized, versions hashed) off the staging connection.</summary>
    private sealed record PreparedPage(PreparedRecord[] Records, string? NextCursor, int Fetched);

    /// <summary>
    /// Reads the stream page by page from <paramref name="cursor"/> into <paramref name="pages"/> until its last page,
    /// preparing each page's records as it goes (the JSON and hashing work overlaps the previous pages' commits). A page's
    /// cursor is known as soon as it arrives: the next page is requested before this one is prepared.
    /// </summary>
    private static async Task ReadPagesAsync(ISourceStreamReader reader, StreamReadContext context, string? cursor,
        ChannelWriter<PreparedPage> pages, CancellationToken cancellationToken)
    {
        Task<BackfillPage>? next = null;
        try
        {
            next = reader.ReadPageAsync(context, cursor, cancellationToken);
            while (true)
            {
                var page = await next;
                next = page.NextCursor is null ? null : reader.ReadPageAsync(context, page.NextCursor, cancellationToken);
                await pages.WriteAsync(new PreparedPage(PreparedRecord.FromAll(page.Records), page.NextCursor, page.Fetched), cancellationToken);
                if (next is null)
                {
                    return;
                }
            }
        }
        finally
        {
            if (next is not null)
            {
                // This page failed (or the run stopped) with the next one requested: its outcome is of no use, but is awaited
                // so no request outlives the stream (the stager cancels the token when it stops).
                await next.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
            // The stager takes the pages already read, then awaits this task for its outcome (the reader's error, if any).
            pages.TryComplete();
        }
    }

    /// <summary>
    /// Stages a group of consecutive pages and moves the checkpoint past the last one in one transaction (so the pages
    /// and their checkpoint commit together); a finished non-range stream also moves the workspace's watermark.
    /// </summary>
    /// <returns>How many rows were new.</returns>
    private async Task<int> StageGroupAsync(Run run, string stream, StagingContext stagingContext, IReadOnlyList<PreparedPage> group,
        bool moveWatermark, CancellationToken cancellationToken)
    {
        var last = group[^1];
        PreparedRecord[] records = group.Count == 1 ? last.Records : [.. group.SelectMany(p => p.Records)];
        DateTimeOffset? pageMax = records.Length == 0 ? null : records.Max(r => r.SourceUpdatedAt);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await staging.StageAsync(connection, transaction, stagingContext, records, cancellationToken);
        await using (var update = new NpgsqlCommand("""
            update sync_checkpoints
            set cursor = @cursor, pages = pages + @pages, fetched = fetched + @fetched, staged = staged + @staged,
                max_source_updated_at = greatest(max_source_updated_at, @max), done = @done, updated_at = now()
            where run_id = @run and stream = @stream
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter("cursor", NpgsqlDbType.Text) { Value = (object?)last.NextCursor ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter<int>("pages", group.Count));
            update.Parameters.Add(new NpgsqlParameter<long>("fetched", group.Sum(p => p.Fetched)));
            update.Parameters.Add(new NpgsqlParameter<long>("staged", inserted));
            update.Parameters.Add(new NpgsqlParameter("max", NpgsqlDbType.TimestampTz) { Value = (object?)pageMax?.UtcDateTime ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter<bool>("done", last.NextCursor is null));
            update.Parameters.Add(new NpgsqlParameter<Guid>("run", run.Id));
            update.Parameters.Add(new NpgsqlParameter<string>("stream", stream));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        if (moveWatermark)
        {
            // The live incremental cursor moves only when a whole (non-range) stream finished: to the newest
            // update it saw, and at least to when the run started (everything before was read), so a quiet
            // stream's cursor moves too instead of falling behind what the source keeps (Stripe: 30 days of events).
            await using var watermark = new NpgsqlCommand("""
                insert into stream_watermarks (workspace_id, stream, watermark, run_id, updated_at)
                select @workspace, c.stream, greatest(c.max_source_updated_at, r.started_at), c.run_id, now()
                from sync_checkpoints c join sync_runs r on r.id = c.run_id
                where c.run_id = @run and c.stream = @stream and coalesce(c.max_source_updated_at, r.started_at) is not null
                on conflict (workspace_id, stream) do update
                set watermark = greatest(stream_watermarks.watermark, excluded.watermark), run_id = excluded.run_id, updated_at = now()
                """, connection, transaction);
            watermark.Parameters.Add(new NpgsqlParameter<string>("workspace", run.WorkspaceId));
            watermark.Parameters.Add(new NpgsqlParameter<Guid>("run", run.Id));
            watermark.Parameters.Add(new NpgsqlParameter<string>("stream", stream));
            await watermark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    /// <summary>Creates the stream's checkpoint on first entry (fixing its bounds for every resume) or loads it.</summary>
    private async Task<Checkpoint> StartStreamAsync(Run run, string stream, CancellationToken cancellationToken)
    {
        DateTimeOffset? since = run.From, until = run.To;
        if (run.From is null && run.To is null && run.Mode == SyncMode.Incremental)
        {
            await using var select = dataSource.CreateCommand("select watermark from stream_watermarks where workspace_id = @workspace and stream = @stream");
            select.Parameters.Add(new NpgsqlParameter<string>("workspace", run.WorkspaceId));
            select.Parameters.Add(new NpgsqlParameter<string>("stream", stream));
            if (await select.ExecuteScalarAsync(cancellationToken) is DateTime watermark)
            {
                since = new DateTimeOffset(watermark, TimeSpan.Zero) - options.IncrementalOverlap;
            }
        }
        await using (var insert = dataSource.CreateCommand("""
            insert into sync_checkpoints (run_id, stream, since, until, pages, fetched, staged, done, updated_at)
            values (@run, @stream, @since, @until, 0, 0, 0, false, now())
            on conflict (run_id, stream) do nothing
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid>("run", run.Id));
            insert.Parameters.Add(new NpgsqlParameter<string>("stream", stream));
            insert.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = (object?)since?.UtcDateTime ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter("until", NpgsqlDbType.TimestampTz) { Value = (object?)until?.UtcDateTime ?? DBNull.Value });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var load = dataSource.CreateCommand(
            "select cursor, since, until, pages, fetched, staged, done from sync_checkpoints where run_id = @run and stream = @stream");
        load.Parameters.Add(new NpgsqlParameter<Guid>("run", run.Id));
        load.Parameters.Add(new NpgsqlParameter<string>("stream", stream));
        await using var reader = await load.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Checkpoint(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetInt32(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetBoolean(6));
    }

    private async Task<Run?> LoadRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select workspace_id, streams, mode, range_from, range_to, unify, status, correlation_id from sync_runs where id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", runId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new Run(runId, reader.GetString(0), reader.GetFieldValue<string[]>(1),
            reader.GetString(2) == "full" ? SyncMode.Full : SyncMode.Incremental,
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetString(5) == "deferred" ? UnifyMode.Deferred : UnifyMode.Now,
            reader.GetString(6), reader.GetGuid(7));
    }

    private async Task ThrowIfCancelRequestedAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select cancel_requested from sync_runs where id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", runId));
        if (await command.ExecuteScalarAsync(cancellationToken) is true)
        {
            throw new RunCancelledException("Cancelled by an operator; the pages staged before the cancellation are kept.");
        }
    }

    private Task FinishAsync(Guid runId, string status, string? code, string? error, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            update sync_runs set status = @status, error_code = @code, error = @error, finished_at = now(), outcome_published = false
            where id = @id
            """, cancellationToken, ("id", runId), ("status", status), ("code", (object?)code ?? DBNull.Value), ("error", (object?)error ?? DBNull.Value));

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is DBNull
                ? new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = value }
                : new NpgsqlParameter(name, value));
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Progress is informational: a broker hiccup must not fail the run (the checkpoint is the truth).</summary>
    private async Task PublishProgressAsync(SyncProgressed progress, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await bus.Publish(progress, timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogProgressNotPublished(logger, ex, progress.SyncRunId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} run {RunId} for {Workspace} started (streams {Streams}, resumed {Resumed})")]
    private static partial void LogRunStarted(ILogger logger, string source, Guid runId, string workspace, string streams, bool resumed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} run {RunId} {Status}: {Reason}")]
    private static partial void LogRunFinished(ILogger logger, string source, Guid runId, string status, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} run {RunId} stream {Stream}: {Pages} pages in {Transactions} transactions; " +
        "stager waiting for pages {WaitSeconds:F2} s, staging and checkpoint {StageSeconds:F2} s")]
    private static partial void LogStreamTimings(ILogger logger, string source, Guid runId, string stream, int pages, int transactions,
        double waitSeconds, double stageSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Progress of run {RunId} not published")]
    private static partial void LogProgressNotPublished(ILogger logger, Exception exception, Guid runId);
}
