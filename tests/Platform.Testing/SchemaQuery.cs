using Npgsql;

namespace Platform.Testing;

/// <summary>Scalar queries against one service's schema in a test database.</summary>
public static class SchemaQuery
{
    public static async Task<long> CountAsync(TestDatabase database, string schema, string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = $"\"{schema}\"" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }
}
