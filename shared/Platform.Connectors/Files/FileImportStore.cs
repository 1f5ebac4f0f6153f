using Npgsql;
using NpgsqlTypes;
using Platform.Connectors.Files.Persistence;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Files;

/// <summary>Counters of a running import, saved with each batch.</summary>
public sealed class FileImportProgress
{
    public long BytesRead { get; set; }
    public long RowsRead { get; set; }
    public long RowsStaged { get; set; }
    public long RowsUnchanged { get; set; }
    public long RowsRejected { get; set; }
}

/// <summary>The import statuses, as stored.</summary>
public static class FileImportStatus
{
    public const string Received = "received";
    public const string AwaitingConfirmation = "awaiting_confirmation";
    public const string Staging = "staging";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>Reads and writes file_imports and file_import_rejections.</summary>
public sealed class FileImportStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, workspace_id, format, file_name, spool_path, status, unify, mapping::text, columns, encoding, separator,
        bytes_total, bytes_read, rows_read, rows_staged, rows_unchanged, rows_rejected, released_at, error, correlation_id,
        requested_by, created_at, started_at, finished_at
        """;

    public async Task InsertAsync(FileImportRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var command = dataSource.CreateCommand("""
            insert into file_imports (id, workspace_id, format, file_name, spool_path, status, unify, mapping, columns, encoding,
                                      separator, bytes_total, bytes_read, rows_read, rows_staged, rows_unchanged, rows_rejected,
                                      correlation_id, requested_by, created_at)
            values (@id, @workspace, @format, @file, @spool, @status, @unify, @mapping::jsonb, @columns, @encoding,
                    @separator, @bytes, 0, 0, 0, 0, 0, @correlation, @by, @created)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", row.Id));
        command.Parameters.Add(new NpgsqlParameter<string>("workspace", row.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter<string>("format", row.Format));
        command.Parameters.Add(new NpgsqlParameter<string>("file", row.FileName));
        command.Parameters.Add(new NpgsqlParameter<string>("spool", row.SpoolPath));
        command.Parameters.Add(new NpgsqlParameter<string>("status", row.Status));
        command.Parameters.Add(new NpgsqlParameter<string>("unify", row.Unify));
        command.Parameters.Add(new NpgsqlParameter("mapping", NpgsqlDbType.Text) { Value = (object?)row.Mapping ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<string[]>("columns", row.Columns));
        command.Parameters.Add(new NpgsqlParameter("encoding", NpgsqlDbType.Text) { Value = (object?)row.Encoding ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("separator", NpgsqlDbType.Text) { Value = (object?)row.Separator ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<long>("bytes", row.BytesTotal));
        command.Parameters.Add(new NpgsqlParameter<Guid>("correlation", row.CorrelationId));
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Text) { Value = (object?)row.RequestedBy ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("created", row.CreatedAt.UtcDateTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<FileImportRow?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from file_imports where id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The workspace's imports, newest first.</summary>
    public async Task<(IReadOnlyList<FileImportRow> Items, int Total)> ListAsync(string workspaceId, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var items = new List<FileImportRow>();
        await using (var command = dataSource.CreateCommand(
            $"select {Columns} from file_imports where workspace_id = @ws order by created_at desc, id limit @limit offset @offset"))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("ws", workspaceId));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", pageSize));
            command.Parameters.Add(new NpgsqlParameter<int>("offset", (page - 1) * pageSize));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader));
            }
        }
        await using var count = dataSource.CreateCommand("select count(*) from file_imports where workspace_id = @ws");
        count.Parameters.Add(new NpgsqlParameter<string>("ws", workspaceId));
        return (items, Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Takes the oldest received import (or one left staging by a crash when <paramref name="resume"/>).</summary>
    public async Task<FileImportRow?> ClaimNextAsync(bool resume, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            update file_imports set status = 'staging', started_at = @now, error = null
            where id = (select id from file_imports
                        where status = 'received' or (@resume and status = 'staging')
                        order by created_at limit 1 for update skip locked)
            returning {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter<bool>("resume", resume));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Starts an import over: its rejections and counters from a run that did not finish are dropped.</summary>
    public async Task ResetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from file_import_rejections where import_id = @id") { Parameters = { new NpgsqlParameter<Guid>("id", id) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            update file_imports set bytes_read = 0, rows_read = 0, rows_staged = 0, rows_unchanged = 0, rows_rejected = 0 where id = @id
            """) { Parameters = { new NpgsqlParameter<Guid>("id", id) } });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task SaveProgressAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id,
        FileImportProgress progress, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            update file_imports set bytes_read = @bytes, rows_read = @read, rows_staged = @staged, rows_unchanged = @unchanged,
                                    rows_rejected = @rejected
            where id = @id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<long>("bytes", progress.BytesRead));
        command.Parameters.Add(new NpgsqlParameter<long>("read", progress.RowsRead));
        command.Parameters.Add(new NpgsqlParameter<long>("staged", progress.RowsStaged));
        command.Parameters.Add(new NpgsqlParameter<long>("unchanged", progress.RowsUnchanged));
        command.Parameters.Add(new NpgsqlParameter<long>("rejected", progress.RowsRejected));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Ends an import; <paramref name="release"/> first releases its deferred rows for unification (a chunk a transaction:
    /// an import that stops half way is not finished, and its release is idempotent).
    /// </summary>
    public async Task FinishAsync(Guid id, string status, string? error, bool release, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (release)
        {
            await ReleaseAsync(id, now, cancellationToken);
        }
        await using var command = dataSource.CreateCommand("update file_imports set status = @status, error = @error, finished_at = @now where id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("status", status));
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Releases the import's deferred rows for unification ("Unify" on an import); returns how many.</summary>
    public async Task<int> ReleaseAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? workspace;
        await using (var find = dataSource.CreateCommand("select workspace_id from file_imports where id = @id"))
        {
            find.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
            workspace = (string?)await find.ExecuteScalarAsync(cancellationToken);
        }
        if (workspace is null)
        {
            return 0;
        }
        var released = await DeferredRecords.ReleaseAsync(dataSource, workspace, id, null, cancellationToken);
        await using var command = dataSource.CreateCommand("update file_imports set released_at = @now where id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (int)released;
    }

    /// <summary>Moves an import awaiting confirmation to received with the confirmed mapping; false when it was not waiting.</summary>
    public async Task<bool> ConfirmAsync(Guid id, string mapping, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update file_imports set status = 'received', mapping = @mapping::jsonb
            where id = @id and status = 'awaiting_confirmation'
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("mapping", mapping));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>One page of rejected rows in line order.</summary>
    public async Task<(IReadOnlyList<FileImportRejectionRow> Items, long Total)> RejectionsAsync(Guid id, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var items = new List<FileImportRejectionRow>();
        await using (var command = dataSource.CreateCommand("""
            select line, "column", reason, raw from file_import_rejections where import_id = @id
            order by line limit @limit offset @offset
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", pageSize));
            command.Parameters.Add(new NpgsqlParameter<long>("offset", (long)(page - 1) * pageSize));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new FileImportRejectionRow
                {
                    ImportId = id,
                    Line = reader.GetInt64(0),
                    Column = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Reason = reader.GetString(2),
                    Raw = reader.GetString(3),
                });
            }
        }
        await using var count = dataSource.CreateCommand("select count(*) from file_import_rejections where import_id = @id");
        count.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return (items, Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static FileImportRow Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        WorkspaceId = r.GetString(1),
        Format = r.GetString(2),
        FileName = r.GetString(3),
        SpoolPath = r.GetString(4),
        Status = r.GetString(5),
        Unify = r.GetString(6),
        Mapping = r.IsDBNull(7) ? null : r.GetString(7),
        Columns = r.GetFieldValue<string[]>(8),
        Encoding = r.IsDBNull(9) ? null : r.GetString(9),
        Separator = r.IsDBNull(10) ? null : r.GetString(10),
        BytesTotal = r.GetInt64(11),
        BytesRead = r.GetInt64(12),
        RowsRead = r.GetInt64(13),
        RowsStaged = r.GetInt64(14),
        RowsUnchanged = r.GetInt64(15),
        RowsRejected = r.GetInt64(16),
        ReleasedAt = r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17),
        Error = r.IsDBNull(18) ? null : r.GetString(18),
        CorrelationId = r.GetGuid(19),
        RequestedBy = r.IsDBNull(20) ? null : r.GetString(20),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(21),
        StartedAt = r.IsDBNull(22) ? null : r.GetFieldValue<DateTimeOffset>(22),
        FinishedAt = r.IsDBNull(23) ? null : r.GetFieldValue<DateTimeOffset>(23),
    };
}
