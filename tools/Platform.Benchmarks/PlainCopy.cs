using System.Diagnostics;
using Npgsql;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>The baseline of the benchmarks that stage rows: the same rows, raw binary COPY.</summary>
internal static class PlainCopy
{
    /// <summary>
    /// Exports the staged rows of a connector's schema (all, or those <paramref name="where"/> selects) in PostgreSQL's
    /// binary COPY format to a file, then times a raw binary COPY of that file into an empty copy of raw_records with the
    /// same indexes: the fastest the database takes these rows. The copy table is dropped afterwards.
    /// </summary>
    public static async Task<(long Rows, double Seconds)> MeasureAsync(TestDatabase database, string schema, string columns,
        string? where = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = $"\"{schema}\"", CommandTimeout = 0 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var dump = Path.Combine(Path.GetTempPath(), $"copy-bench-{Guid.NewGuid():N}.bin");
        try
        {
            await using (var file = File.Create(dump))
            await using (var export = await connection.BeginRawBinaryCopyAsync(
                $"copy (select {columns} from raw_records{(where is null ? "" : " where " + where)}) to stdout (format binary)"))
            {
                await export.CopyToAsync(file);
            }
            await using (var create = new NpgsqlCommand("create table copy_bench (like raw_records including all)", connection))
            {
                await create.ExecuteNonQueryAsync();
            }
            var clock = Stopwatch.StartNew();
            await using (var file = File.OpenRead(dump))
            await using (var import = await connection.BeginRawBinaryCopyAsync($"copy copy_bench ({columns}) from stdin (format binary)"))
            {
                await file.CopyToAsync(import);
            }
            clock.Stop();
            await using var count = new NpgsqlCommand("select count(*) from copy_bench", connection);
            var rows = (long)(await count.ExecuteScalarAsync())!;
            await using var drop = new NpgsqlCommand("drop table copy_bench", connection);
            await drop.ExecuteNonQueryAsync();
            return (rows, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            File.Delete(dump);
        }
    }
}
