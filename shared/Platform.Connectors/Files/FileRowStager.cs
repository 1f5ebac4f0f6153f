using Npgsql;
using NpgsqlTypes;
using Platform.Connectors.Files.Persistence;

namespace Platform.Connectors.Files;

/// <summary>A mapped row ready to stage.</summary>
public sealed record FileStagedRow(string EntityType, string ExternalId, DateTimeOffset SourceUpdatedAt, string Payload, byte[] Hash, string Canonical);

/// <summary>A row that was not staged.</summary>
public sealed record FileRejectedRow(long Line, string? Column, string Reason, string Raw);

/// <summary>
/// Stages a batch of file rows on one connection: binary COPY into a session temp table with no indexes, then one
/// <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> into raw_records (an unchanged row is the same version and
/// stages nothing), rejected rows by binary COPY too, all in one transaction with the import's progress.
/// </summary>
internal sealed class FileRowStager : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly FileImportRow _import;
    private readonly string _stream;

    private FileRowStager(NpgsqlConnection connection, FileImportRow import, string stream)
    {
        _connection = connection;
        _import = import;
        _stream = stream;
    }

    public static async Task<FileRowStager> OpenAsync(NpgsqlDataSource dataSource, FileImportRow import, string stream,
        CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("""
            create temp table if not exists file_stage (
                ord int not null, entity_type text not null, external_id text not null, source_updated_at timestamptz not null,
                payload text not null, payload_hash bytea not null, canonical jsonb not null)
            """, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return new FileRowStager(connection, import, stream);
    }

    /// <summary>Stages a batch; returns how many rows were new versions.</summary>
    public async Task<int> StageAsync(IReadOnlyList<FileStagedRow> rows, IReadOnlyList<FileRejectedRow> rejected,
        FileImportProgress progress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        var inserted = 0;
        if (rows.Count > 0)
        {
            await using (var truncate = new NpgsqlCommand("truncate file_stage", _connection, transaction))
            {
                await truncate.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var importer = await _connection.BeginBinaryImportAsync(
                "copy file_stage (ord, entity_type, external_id, source_updated_at, payload, payload_hash, canonical) from stdin (format binary)",
                cancellationToken))
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(row.EntityType, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(row.ExternalId, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(row.SourceUpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                    await importer.WriteAsync(row.Payload, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(row.Hash, NpgsqlDbType.Bytea, cancellationToken);
                    await importer.WriteAsync(row.Canonical, NpgsqlDbType.Jsonb, cancellationToken);
                }
                await importer.CompleteAsync(cancellationToken);
            }
            await using var insert = new NpgsqlCommand("""
                insert into raw_records (workspace_id, stream, entity_type, external_id, source_updated_at, payload,
                                         payload_hash, canonical, canonical_hash, sync_run_id, correlation_id, received_at, unify)
                select @workspace, @stream, s.entity_type, s.external_id, s.source_updated_at, s.payload,
                       s.payload_hash, s.canonical, sha256(convert_to((s.canonical - 'sourceUpdatedAt')::text, 'UTF8')), @run, @correlation, @now, 'deferred'
                from file_stage s
                order by s.ord
                on conflict (workspace_id, entity_type, external_id, payload_hash, canonical_hash) do nothing
                """, _connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<string>("workspace", _import.WorkspaceId));
            insert.Parameters.Add(new NpgsqlParameter<string>("stream", _stream));
            insert.Parameters.Add(new NpgsqlParameter<Guid>("run", _import.Id));
            insert.Parameters.Add(new NpgsqlParameter<Guid>("correlation", _import.CorrelationId));
            insert.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (rejected.Count > 0)
        {
            await using var importer = await _connection.BeginBinaryImportAsync(
                "copy file_import_rejections (import_id, line, \"column\", reason, raw) from stdin (format binary)", cancellationToken);
            foreach (var row in rejected)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(_import.Id, NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken);
                if (row.Column is null)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await importer.WriteAsync(row.Column, NpgsqlDbType.Text, cancellationToken);
                }
                await importer.WriteAsync(row.Reason, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(row.Raw, NpgsqlDbType.Text, cancellationToken);
            }
            await importer.CompleteAsync(cancellationToken);
        }
        progress.RowsStaged += inserted;
        progress.RowsUnchanged += rows.Count - inserted;
        await FileImportStore.SaveProgressAsync(_connection, transaction, _import.Id, progress, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
