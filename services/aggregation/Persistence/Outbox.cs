using System.Text.Json;
using Npgsql;
using Platform.Contracts.Aggregation;

namespace Platform.Aggregation.Persistence;

/// <summary>An event read back from the outbox.</summary>
internal sealed record OutboxEvent(long Id, object Message);

/// <summary>Reads and clears the outbox (table <c>outbox</c>): events written in the transaction that caused them.</summary>
internal static class Outbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The events a committed transaction wrote, in the order it wrote them.</summary>
    public static async Task<List<OutboxEvent>> ReadBatchAsync(NpgsqlDataSource dataSource, Guid batchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("select id, message_type, payload::text from outbox where batch_id = @batch order by id");
        command.Parameters.AddWithValue("batch", batchId);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Events older than <paramref name="age"/>: their publisher crashed (or failed) between the commit and the publish.</summary>
    public static async Task<List<OutboxEvent>> ReadStaleAsync(NpgsqlDataSource dataSource, TimeSpan age, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("""
            select id, message_type, payload::text from outbox where created_at < now() - @age order by id limit @limit
            """);
        command.Parameters.AddWithValue("age", age);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    public static async Task DeleteAsync(NpgsqlDataSource dataSource, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }
        await using var command = dataSource.CreateCommand("delete from outbox where id = any(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<OutboxEvent>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<OutboxEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var payload = reader.GetString(2);
            object message = reader.GetString(1) switch
            {
                nameof(CustomerSalesUpdated) => JsonSerializer.Deserialize<CustomerSalesUpdated>(payload, Json)!,
                nameof(CustomerBecameClient) => JsonSerializer.Deserialize<CustomerBecameClient>(payload, Json)!,
                var other => throw new InvalidOperationException($"Unknown outbox message type {other}"),
            };
            events.Add(new OutboxEvent(reader.GetInt64(0), message));
        }
        return events;
    }
}
