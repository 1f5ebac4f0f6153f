using System.Data;
using MassTransit;
using Npgsql;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.IdentityResolution.Persistence;

namespace Platform.IdentityResolution.Domain.Recompute;

/// <summary>
/// Applies a workspace's settings and blocked list to every record it already holds, not only to records that
/// arrive later. A job first re-decides every value's blocked state (the configured list and detection with the
/// workspace's threshold), then recomputes every component with today's partitioner, a few hundred records per
/// transaction under the workspace lock (live resolution goes on between them), publishing the merges, splits,
/// links and updates as the normal path does. Each transaction records the job's progress with its results, so a
/// job resumes where it stopped on whichever instance takes it over.
/// </summary>
internal sealed partial class WorkspaceRecompute(
    NpgsqlDataSource dataSource, ResolutionDefaults defaults, IBus bus, TimeProvider time, RecomputeSignal signal,
    IdentityResolutionOptions options, ILogger<WorkspaceRecompute> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private const int MaxAttempts = 3;

    /// <summary>
    /// Replaces a workspace's settings and, when they changed, queues a recompute in the same transaction, under the
    /// workspace lock: every resolution before it used the old settings and is recomputed by the job, every one after
    /// it reads the new ones. Returns the job (null when nothing changed).
    /// </summary>
    public async Task<RecomputeJob?> SaveSettingsAsync(string workspaceId, string settingsJson, string? requestedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await new ResolutionStore(connection, transaction).LockWorkspaceAsync(workspaceId, cancellationToken);
        var now = time.GetUtcNow();
        await using var command = new NpgsqlCommand("""
            insert into workspace_settings (workspace_id, settings, updated_at) values (@w, @s::jsonb, @now)
            on conflict (workspace_id) do update set settings = excluded.settings, updated_at = excluded.updated_at
                where workspace_settings.settings is distinct from excluded.settings
            """, connection, transaction);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("s", settingsJson);
        command.Parameters.AddWithValue("now", now);
        var changed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        var job = changed
            ? await RecomputeJobStore.EnqueueAsync(connection, transaction, workspaceId, "the workspace's identity settings changed", requestedBy, now, cancellationToken)
            : null;
        await transaction.CommitAsync(cancellationToken);
        if (job is not null)
        {
            signal.Wake();
        }
        return job;
    }

    /// <summary>Queues a recompute asked for by an operator (or returns the one already queued or running).</summary>
    public async Task<RecomputeJob> StartAsync(string workspaceId, string reason, string? requestedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await new ResolutionStore(connection, transaction).LockWorkspaceAsync(workspaceId, cancellationToken);
        var job = await RecomputeJobStore.EnqueueAsync(connection, transaction, workspaceId, reason, requestedBy, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Wake();
        return job;
    }

    public async Task<RecomputeJob?> LatestAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await RecomputeJobStore.LatestAsync(connection, workspaceId, cancellationToken);
    }

    /// <summary>
    /// Queues a recompute for every workspace whose stored values disagree with the configured blocked list (values
    /// added to or taken off <c>IdentityResolution:BlockedValues</c> since they were stored). Run at start-up.
    /// </summary>
    public async Task<int> QueueConfiguredListChangesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            select distinct v.workspace_id
            from identifier_values v
            left join unnest(@kinds, @values) as c(kind, value) on c.kind = v.kind and c.value = v.value
            where (v.blocked_reason is not distinct from 'configured') <> (c.kind is not null)
            """, connection);
        var configured = defaults.ConfiguredBlockedValues.ToList();
        command.Parameters.AddWithValue("kinds", configured.Select(c => c.Kind).ToArray());
        command.Parameters.AddWithValue("values", configured.Select(c => c.Value).ToArray());
        var workspaces = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                workspaces.Add(reader.GetString(0));
            }
        }
        foreach (var workspaceId in workspaces)
        {
            await StartAsync(workspaceId, "the configured blocked list (IdentityResolution:BlockedValues) changed", null, cancellationToken);
        }
        return workspaces.Count;
    }

    /// <summary>Takes the next job nobody runs and runs it; false when there was none.</summary>
    public async Task<bool> RunNextAsync(string owner, CancellationToken cancellationToken)
    {
        RecomputeJob? job;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            job = await RecomputeJobStore.ClaimAsync(connection, owner, Lease, cancellationToken);
        }
        if (job is null)
        {
            return false;
        }
        try
        {
            await RunAsync(job, owner, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, e, job.Id, job.WorkspaceId);
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await RecomputeJobStore.ReleaseAfterFailureAsync(connection, job.Id, owner, $"{e.GetType().Name}: {e.Message}", MaxAttempts, CancellationToken.None);
        }
        return true;
    }

    private async Task RunAsync(RecomputeJob job, string owner, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var resumeAfter = job.ResumeAfter;
        var total = job.ComponentsTotal;
        while (true)
        {
            List<long[]> components;
            int? correctedTotal = null;
            if (total is null)
            {
                if (await RefreshBlockedAsync(job, owner, cancellationToken) is not { } fresh)
                {
                    if (!await RestartOrStopAsync(job, owner, cancellationToken))
                    {
                        return;
                    }
                    continue;
                }
                (components, total, resumeAfter) = (fresh, fresh.Count, 0);
            }
            else
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                components = await WorkspaceComponents.LoadAsync(connection, null, job.WorkspaceId, cancellationToken);
            }

            var remaining = components.Where(c => c[0] > resumeAfter).ToList();
            if (resumeAfter > 0)
            {
                // Resumed on another instance: records arrived meanwhile may have changed how many are left.
                correctedTotal = job.ComponentsDone + remaining.Count;
            }
            var completed = true;
            var chunk = new List<long[]>();
            var chunkRecords = 0;
            foreach (var component in remaining)
            {
                chunk.Add(component);
                chunkRecords += component.Length;
                if (chunkRecords >= options.RecomputeChunkRecords)
                {
                    chunkRecords = 0;
                    completed = await RecomputeChunkAsync(job, owner, chunk, correctedTotal, cancellationToken);
                    correctedTotal = null;
                    chunk.Clear();
                    if (!completed)
                    {
                        break;
                    }
                }
            }
            if (completed && chunk.Count > 0)
            {
                completed = await RecomputeChunkAsync(job, owner, chunk, correctedTotal, cancellationToken);
            }
            if (completed)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                if (await RecomputeJobStore.FinishAsync(connection, job.Id, owner, cancellationToken))
                {
                    LogDone(logger, job.Id, job.WorkspaceId, total.Value, time.GetElapsedTime(started).TotalMilliseconds);
                    return;
                }
            }
            if (!await RestartOrStopAsync(job, owner, cancellationToken))
            {
                return;
            }
            (total, resumeAfter) = (null, 0);
        }
    }

    /// <summary>True when the job was asked to start over (it does); false when it is no longer this owner's.</summary>
    private async Task<bool> RestartOrStopAsync(RecomputeJob job, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var restarted = await RecomputeJobStore.RestartAsync(connection, job.Id, owner, cancellationToken);
        if (restarted)
        {
            LogRestarted(logger, job.Id, job.WorkspaceId);
        }
        return restarted;
    }

    /// <summary>
    /// Re-decides every value's blocked state as the hot path would for a value it touches (configured list first,
    /// then detection with the workspace's threshold, operator decisions left alone), then lists the components
    /// with the new state, all under the workspace lock. Null when the job must start over or is not ours.
    /// </summary>
    private async Task<List<long[]>?> RefreshBlockedAsync(RecomputeJob job, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var store = new ResolutionStore(connection, transaction);
        await store.LockWorkspaceAsync(job.WorkspaceId, cancellationToken);
        var rules = defaults.RulesFor(await store.LoadSettingsJsonAsync(job.WorkspaceId, cancellationToken));
        var now = time.GetUtcNow();

        var values = new List<StoredValue>();
        await using (var command = new NpgsqlCommand(
            "select id, kind, value, blocked_reason, operator_allowed from identifier_values where workspace_id = @w", connection, transaction))
        {
            command.Parameters.AddWithValue("w", job.WorkspaceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add(new StoredValue(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4)));
            }
        }

        var changes = new List<(long, string?, string?, bool)>();
        var candidates = new List<StoredValue>();
        foreach (var value in values)
        {
            var configured = defaults.IsConfiguredBlocked(value.Kind, value.Value);
            if (configured && value.BlockedReason != BlockedReasons.Configured)
            {
                changes.Add((value.Id, BlockedReasons.Configured, "in IdentityResolution:BlockedValues", false));
            }
            else if (!configured && value.BlockedReason == BlockedReasons.Configured)
            {
                // Off the list: free to link, and to be detected like any other value.
                changes.Add((value.Id, null, null, value.OperatorAllowed));
                if (!value.OperatorAllowed)
                {
                    candidates.Add(value with { BlockedReason = null });
                }
            }
            else if (!configured && (value.BlockedReason is null || value.BlockedReason == BlockedReasons.Detected) && !value.OperatorAllowed)
            {
                candidates.Add(value);
            }
        }
        var overShared = (await store.FindOverSharedValuesAsync(candidates.Select(v => v.Id).ToList(), rules.BlockThreshold, cancellationToken))
            .GroupBy(s => s.ValueId)
            .ToDictionary(g => g.Key, g => g.First());
        foreach (var value in candidates)
        {
            if (overShared.TryGetValue(value.Id, out var worst) && value.BlockedReason is null)
            {
                var detail = $"shared by {worst.Records} records showing {worst.DistinctOtherValues} different {worst.OtherKind} values (threshold {rules.BlockThreshold})";
                changes.RemoveAll(c => c.Item1 == value.Id);
                changes.Add((value.Id, BlockedReasons.Detected, detail, false));
                LogBlocked(logger, job.WorkspaceId, value.Kind, IdentifierMask.Mask(value.Kind, value.Value), detail);
            }
            else if (!overShared.ContainsKey(value.Id) && value.BlockedReason == BlockedReasons.Detected)
            {
                changes.Add((value.Id, null, null, false));
            }
        }
        await store.SetBlockedAsync(changes, now, cancellationToken);
        var components = await WorkspaceComponents.LoadAsync(connection, transaction, job.WorkspaceId, cancellationToken);
        if (!await RecomputeJobStore.AdvanceAsync(connection, transaction, job.Id, owner, Lease, components.Count, 0, 0, 0, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }
        await transaction.CommitAsync(cancellationToken);
        return components;
    }

    /// <summary>Recomputes some whole components in one transaction and publishes what changed; false when the job must stop here.</summary>
    private async Task<bool> RecomputeChunkAsync(RecomputeJob job, string owner, List<long[]> chunk, int? componentsTotal, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var store = new ResolutionStore(connection, transaction);
        await store.LockWorkspaceAsync(job.WorkspaceId, cancellationToken);
        var rules = defaults.RulesFor(await store.LoadSettingsJsonAsync(job.WorkspaceId, cancellationToken));
        var now = time.GetUtcNow();
        var seeds = chunk.SelectMany(c => c).ToList();
        // Records deleted since the components were listed (an erasure) are simply not found by the walk.
        var result = await ComponentRecompute.RunAsync(store, job.WorkspaceId, seeds, new HashSet<long>(), rules, now, cancellationToken);

        var events = new ResolutionEvents(job.WorkspaceId, [job.Id], now, new Dictionary<long, int>());
        var noTouched = new HashSet<long>();
        var linked = ResolutionEvents.LinkedRecords(result, noTouched);
        var payloads = (await store.LoadPayloadsAsync(linked, cancellationToken))
            .ToDictionary(p => p.Key, p => (p.Value.RawRecordId, ResolutionJson.ReadRecord(p.Value.Payload)));
        events.AddRecompute(result, noTouched, payloads, $"the workspace's settings or blocked values changed (recompute {job.Id})");

        if (!await RecomputeJobStore.AdvanceAsync(connection, transaction, job.Id, owner, Lease, componentsTotal, chunk.Count, seeds.Count, chunk.Max(c => c[0]), cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        // Published after the commit, as the operator actions do.
        await Task.WhenAll(events.Events.Select(e => bus.Publish(e.Message, e.Message.GetType(), cancellationToken)));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recompute {JobId} of workspace {WorkspaceId} done: {Components} components in {ElapsedMs:F0} ms")]
    private static partial void LogDone(ILogger logger, Guid jobId, string workspaceId, int components, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recompute {JobId} of workspace {WorkspaceId} starts over: its settings changed again")]
    private static partial void LogRestarted(ILogger logger, Guid jobId, string workspaceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recompute {JobId} of workspace {WorkspaceId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid jobId, string workspaceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blocked {Kind} {MaskedValue} in workspace {WorkspaceId}: {Detail}")]
    private static partial void LogBlocked(ILogger logger, string workspaceId, string kind, string maskedValue, string detail);
}
