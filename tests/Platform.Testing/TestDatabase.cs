using Npgsql;

namespace Platform.Testing;

/// <summary>A PostgreSQL database created for one test class and dropped after it.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string prefix)
    {
        var name = $"t_{Sanitize(prefix)[..Math.Min(12, Sanitize(prefix).Length)]}_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name };
        return new TestDatabase(name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Sanitize(string prefix) =>
        new(prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
}
