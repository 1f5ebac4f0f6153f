using Npgsql;

namespace Platform.IdentityResolution.Domain.Recompute;

/// <summary>The states of a recompute job.</summary>
internal static class RecomputeStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>A workspace recompute job as stored.</summary>
internal sealed record RecomputeJob(
    Guid Id,
    string WorkspaceId,
    string State,
    string Reason,
    string? RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int? ComponentsTotal,
    int ComponentsDone,
    int RecordsDone,
    long ResumeAfter,
    bool RestartRequested,
    int Attempts,
    string? Error);

/// <summary>
/// The <c>recompute_jobs</c> table. At most one queued or running job per workspace (a partial unique index), so
/// asking for a job while one is active returns that job (and makes a running one start over, since what it has
/// done so far used the old settings). A job is run by whichever instance holds its lease; a lease that is not
/// renewed (the instance died) lets another instance resume the job where it stopped.
/// </summary>
internal static class RecomputeJobStore
{
    private const string Columns = """
        id, workspace_id, state, reason, requested_by, requested_at, started_at, finished_at, components_total,
        components_done, records_done, resume_after, restart_requested, attempts, error
        """;

    /// <summary>Queues a job for the workspace, or returns the active one (asking a running one to start over).</summary>
    public static async Task<RecomputeJob> EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string workspaceId, string reason, string? requestedBy,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            insert into recompute_jobs (id, workspace_id, state, reason, requested_by, requested_at)
            values (@id, @w, 'queued', @reason, @by, @now)
            on conflict (workspace_id) where state in ('queued', 'running')
            do update set restart_requested = recompute_jobs.state = 'running' or recompute_jobs.restart_requested,
                          reason = excluded.reason, requested_by = excluded.requested_by
            returning {Columns}
            """, connection, transaction);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.AddWithValue("by", (object?)requestedBy ?? DBNull.Value);
        command.Parameters.AddWithValue("now", now);
        return (await ReadAsync(command, cancellationToken)).Single();
    }

    /// <summary>The workspace's newest job, or null.</summary>
    public static async Task<RecomputeJob?> LatestAsync(NpgsqlConnection connection, string workspaceId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select {Columns} from recompute_jobs where workspace_id = @w order by requested_at desc, id desc limit 1", connection);
        command.Parameters.AddWithValue("w", workspaceId);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Takes the lease of the oldest job nobody holds (queued, or running on an instance that stopped renewing it).</summary>
    public static async Task<RecomputeJob?> ClaimAsync(NpgsqlConnection connection, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            update recompute_jobs j
            set state = 'running', started_at = coalesce(j.started_at, now()), lease_owner = @owner,
                lease_until = now() + @lease, attempts = j.attempts + 1
            where j.id = (
                select id from recompute_jobs
                where state in ('queued', 'running') and (lease_until is null or lease_until < now())
                order by requested_at, id
                limit 1
                for update skip locked)
            returning {Columns}
            """, connection);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("lease", lease);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>
    /// Records progress in the transaction that did the work (so progress and results commit together) and renews
    /// the lease. False when the job is no longer this owner's to run, or must start over: the caller rolls back.
    /// </summary>
    public static async Task<bool> AdvanceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, string owner, TimeSpan lease,
        int? componentsTotal, int components, int records, long resumeAfter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            update recompute_jobs
            set components_total = coalesce(@total, components_total), components_done = components_done + @components,
                records_done = records_done + @records, resume_after = greatest(resume_after, @after), lease_until = now() + @lease
            where id = @id and lease_owner = @owner and state = 'running' and not restart_requested
            """, connection, transaction);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("total", componentsTotal is { } t ? t : DBNull.Value);
        command.Parameters.AddWithValue("components", components);
        command.Parameters.AddWithValue("records", records);
        command.Parameters.AddWithValue("after", resumeAfter);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Starts a job over (the settings changed again while it ran); false when it is not this owner's.</summary>
    public static async Task<bool> RestartAsync(NpgsqlConnection connection, Guid jobId, string owner, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            update recompute_jobs
            set restart_requested = false, components_total = null, components_done = 0, records_done = 0, resume_after = 0
            where id = @id and lease_owner = @owner and state = 'running' and restart_requested
            """, connection);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Marks the job done unless a restart was asked for meanwhile.</summary>
    public static async Task<bool> FinishAsync(NpgsqlConnection connection, Guid jobId, string owner, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            update recompute_jobs
            set state = 'done', finished_at = now(), lease_owner = null, lease_until = null, error = null
            where id = @id and lease_owner = @owner and state = 'running' and not restart_requested
            """, connection);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Gives the lease back after a failure: retried later, or failed for good after <paramref name="maxAttempts"/>.</summary>
    public static async Task ReleaseAfterFailureAsync(
        NpgsqlConnection connection, Guid jobId, string owner, string error, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            update recompute_jobs
            set error = @error, lease_owner = null, lease_until = null,
                state = case when attempts >= @max then 'failed' else state end,
                finished_at = case when attempts >= @max then now() else finished_at end
            where id = @id and lease_owner = @owner
            """, connection);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("max", maxAttempts);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<RecomputeJob>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<RecomputeJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new RecomputeJob(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.GetInt32(9), reader.GetInt32(10), reader.GetInt64(11), reader.GetBoolean(12), reader.GetInt32(13),
                reader.IsDBNull(14) ? null : reader.GetString(14)));
        }
        return jobs;
    }
}
