using System.Globalization;
using Npgsql;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// What a run writes to the database: table rows inserted, updated or deleted and the index entries they cost, per
/// schema, and the WAL it generates, read from PostgreSQL's own counters (<c>pg_stat_user_tables</c>,
/// <c>pg_current_wal_lsn</c>) before and after. Temporary tables (aggregation's per-batch tables) are not counted.
/// </summary>
internal sealed record WriteVolume(
    IReadOnlyDictionary<string, (long Rows, long IndexEntries)> BySchema,
    IReadOnlyDictionary<string, (long Rows, long IndexEntries)> ByTable,
    long WalBytes)
{
    public long Rows => BySchema.Values.Sum(v => v.Rows);

    public long IndexEntries => BySchema.Values.Sum(v => v.IndexEntries);

    /// <summary>
    /// The counters now. A row inserted writes one entry in each of its table's indexes, an update that is not HOT too,
    /// a delete none (its entries are removed by vacuum later).
    /// </summary>
    public static async Task<WriteVolume> ReadAsync(TestDatabase database, IReadOnlyList<string> schemas)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select s.schemaname, s.relname,
                   (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::bigint,
                   ((s.n_tup_ins + s.n_tup_upd - s.n_tup_hot_upd) * (select count(*) from pg_index i where i.indrelid = s.relid))::bigint,
                   (select pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint
            from pg_stat_user_tables s
            where s.schemaname = any($1)
            """, connection) { Parameters = { new() { Value = schemas.ToArray() } } };
        var bySchema = new Dictionary<string, (long Rows, long IndexEntries)>();
        var byTable = new Dictionary<string, (long, long)>();
        long wal = 0;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (schema, rows, entries) = (reader.GetString(0), reader.GetInt64(2), reader.GetInt64(3));
                byTable[$"{schema}.{reader.GetString(1)}"] = (rows, entries);
                var held = bySchema.GetValueOrDefault(schema);
                bySchema[schema] = (held.Rows + rows, held.IndexEntries + entries);
                wal = reader.GetInt64(4);
            }
        }
        return new WriteVolume(bySchema, byTable, wal);
    }

    /// <summary>The current WAL position in bytes.</summary>
    public static async Task<long> WalPositionAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public WriteVolume Minus(WriteVolume before)
    {
        ArgumentNullException.ThrowIfNull(before);
        static Dictionary<string, (long, long)> Diff(IReadOnlyDictionary<string, (long Rows, long IndexEntries)> after,
            IReadOnlyDictionary<string, (long Rows, long IndexEntries)> earlier) =>
            after.ToDictionary(p => p.Key, p => earlier.TryGetValue(p.Key, out var b)
                ? (p.Value.Rows - b.Rows, p.Value.IndexEntries - b.IndexEntries)
                : p.Value);
        return new WriteVolume(Diff(BySchema, before.BySchema), Diff(ByTable, before.ByTable), WalBytes - before.WalBytes);
    }

    /// <summary>Each table's rows and index entries a record, most first ("aggregation.sales 0.5 + 2.5").</summary>
    public string TablesPerRecord(long records) => string.Join(", ", ByTable.Where(p => p.Value.Rows > 0)
        .OrderByDescending(p => p.Value.Rows + p.Value.IndexEntries)
        .Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Key} {(double)p.Value.Rows / records:F2} + {(double)p.Value.IndexEntries / records:F2}")));

    /// <summary>"9.4 rows (identity-resolution 4.1, ...) + 21.3 index entries, 6.1 kB of WAL a record".</summary>
    public string PerRecord(long records) => string.Create(CultureInfo.InvariantCulture,
        $"{(double)Rows / records:F1} rows ({string.Join(", ", BySchema.OrderByDescending(p => p.Value.Rows).Select(p => $"{p.Key} {(double)p.Value.Rows / records:F1}"))}) + {(double)IndexEntries / records:F1} index entries, {WalBytes / 1024.0 / records:F1} kB of WAL a record");
}
