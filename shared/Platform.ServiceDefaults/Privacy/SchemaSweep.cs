using System.Text.Json;
using Npgsql;

namespace Platform.ServiceDefaults.Privacy;

/// <summary>
/// Finds and erases a person's rows in every table of this service's own schema (the data source's search path), so a
/// copy nobody thought of (an outbox body, a rejected CSV row, a lookup cache) is found as surely as the main tables:
/// a row is the person's when it is in the request's workspace and its text matches <see cref="PersonalDataPattern"/>,
/// or when the service adds a condition of its own for the table (records known by key). A table without a
/// <c>workspace_id</c> is searched by the pattern alone. Each row is named by its primary key.
/// </summary>
public sealed class SchemaSweep(NpgsqlDataSource dataSource)
{
    /// <summary>Tables never swept: migrations history and the suppression list itself (hashes only).</summary>
    private static readonly string[] Skipped = [PlatformDatabaseExtensions.MigrationsHistoryTable, "privacy_suppressions", "privacy_salts"];

    private sealed record Table(string Name, bool HasWorkspace, string[] PrimaryKey)
    {
        public string Quoted => $"\"{Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

        public string KeySql => PrimaryKey.Length == 0
            ? "jsonb_build_object('row', md5(t::text))"
            : $"jsonb_build_object({string.Join(", ", PrimaryKey.Select(c => $"'{c.Replace("'", "''", StringComparison.Ordinal)}', t.\"{c}\""))})";
    }

    /// <summary>
    /// A service's own condition for a table (SQL over alias <c>t</c>, with parameters it adds), or null. Parameters
    /// <c>@w</c> (workspace) and <c>@pattern</c> are always there.
    /// </summary>
    public delegate string? ExtraCondition(string table);

    /// <summary>Every matching row with its content.</summary>
    public Task<List<HeldRow>> FindAsync(PrivacySubject subject, ExtraCondition? extra, IReadOnlyCollection<string>? exclude,
        Action<NpgsqlParameterCollection>? parameters, CancellationToken cancellationToken) =>
        RunAsync(subject, extra, exclude, parameters, erase: false, cancellationToken);

    /// <summary>Deletes every matching row (retrying tables a foreign key held back once their dependants are gone).</summary>
    public Task<List<HeldRow>> EraseAsync(PrivacySubject subject, ExtraCondition? extra, IReadOnlyCollection<string>? exclude,
        Action<NpgsqlParameterCollection>? parameters, CancellationToken cancellationToken) =>
        RunAsync(subject, extra, exclude, parameters, erase: true, cancellationToken);

    private async Task<List<HeldRow>> RunAsync(PrivacySubject subject, ExtraCondition? extra, IReadOnlyCollection<string>? exclude,
        Action<NpgsqlParameterCollection>? parameters, bool erase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var pattern = PersonalDataPattern.For(subject);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tables = (await TablesAsync(connection, cancellationToken))
            .Where(t => !Skipped.Contains(t.Name) && exclude?.Contains(t.Name) != true).ToList();
        var rows = new List<HeldRow>();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = tables;
        for (var pass = 0; pass < 4 && pending.Count > 0; pass++)
        {
            var heldBack = new List<Table>();
            foreach (var table in pending)
            {
                // A table without workspace_id (a rejected CSV row under its import) is searched by the pattern alone.
                var own = table.HasWorkspace ? extra?.Invoke(table.Name) : null;
                if (pattern is null && own is null)
                {
                    continue;
                }
                var condition = string.Join(" or ", new[] { pattern is null ? null : "t::text ~* @pattern", own }.OfType<string>());
                if (condition.Length == 0)
                {
                    continue;
                }
                var where = table.HasWorkspace ? $"t.workspace_id = @w and ({condition})" : condition;
                var sql = erase
                    ? $"delete from {table.Quoted} t where {where} returning {table.KeySql}, null::jsonb"
                    : $"select {table.KeySql}, to_jsonb(t) from {table.Quoted} t where {where}";
                await transaction.SaveAsync("sweep", cancellationToken);
                try
                {
                    await using var command = new NpgsqlCommand(sql, connection, transaction);
                    command.Parameters.Add(new NpgsqlParameter<string>("w", subject.WorkspaceId));
                    command.Parameters.Add(new NpgsqlParameter<string>("pattern", pattern ?? "$^"));
                    parameters?.Invoke(command.Parameters);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var key = JsonDocument.Parse(reader.GetString(0)).RootElement.Clone();
                        JsonElement? row = reader.IsDBNull(1) ? null : JsonDocument.Parse(reader.GetString(1)).RootElement.Clone();
                        rows.Add(new HeldRow(table.Name, key, row, erase ? "deleted" : null));
                    }
                    await reader.DisposeAsync();
                    await transaction.ReleaseAsync("sweep", cancellationToken);
                }
                catch (PostgresException ex) when (erase && ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
                {
                    await transaction.RollbackAsync("sweep", cancellationToken);
                    heldBack.Add(table);
                }
            }
            pending = heldBack;
        }
        if (pending.Count > 0)
        {
            throw new InvalidOperationException($"Rows of {string.Join(", ", pending.Select(t => t.Name))} are still referenced; nothing was erased.");
        }
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    private static async Task<List<Table>> TablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            select c.relname,
                   exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped),
                   coalesce((select array_agg(a.attname::text order by a.attnum)
                             from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                             where i.indrelid = c.oid and i.indisprimary), '{}')
            from pg_class c
            where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
            order by c.relname
            """;
        var tables = new List<Table>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new Table(reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<string[]>(2)));
        }
        return tables;
    }
}
