using Npgsql;
using NpgsqlTypes;
using Platform.Connectors.ManyChat.Persistence;

namespace Platform.Connectors.ManyChat.Outbound;

/// <summary>manychat_clients and manychat_tag_pushes.</summary>
public sealed class TagPushStore(NpgsqlDataSource dataSource)
{
    /// <summary>Keeps the newest version of a client's email, phone and subscriber id (older versions change nothing).</summary>
    public async Task UpsertClientAsync(ManyChatClientRow client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await using var command = dataSource.CreateCommand("""
            insert into manychat_clients (workspace_id, client_id, version, email, phone, subscriber_id, updated_at)
            values (@ws, @client, @version, @email, @phone, @subscriber, @at)
            on conflict (workspace_id, client_id) do update
               set version = excluded.version, email = excluded.email, phone = excluded.phone,
                   subscriber_id = coalesce(excluded.subscriber_id, manychat_clients.subscriber_id), updated_at = excluded.updated_at
             where manychat_clients.version < excluded.version
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("ws", client.WorkspaceId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("client", client.ClientId));
        command.Parameters.Add(new NpgsqlParameter<long>("version", client.Version));
        command.Parameters.Add(new NpgsqlParameter("email", NpgsqlDbType.Text) { Value = (object?)client.Email ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("phone", NpgsqlDbType.Text) { Value = (object?)client.Phone ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("subscriber", NpgsqlDbType.Text) { Value = (object?)client.SubscriberId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("at", client.UpdatedAt.UtcDateTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Identity resolution merged clients: the survivor takes over the merged clients' subscriber (when it has none) and
    /// their tag pushes (one per tag: a tag the survivor already has keeps the survivor's record), and the merged rows
    /// point at the survivor, so the lookup sync skips them and a late event about them lands on the survivor.
    /// A replayed merge changes nothing.
    /// </summary>
    public async Task MergeAsync(string workspaceId, Guid survivor, IReadOnlyList<Guid> merged, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("""
            insert into manychat_clients (workspace_id, client_id, version, email, phone, subscriber_id, updated_at)
            select @ws, @survivor, 0, m.email, m.phone, m.subscriber_id, @at
            from manychat_clients m
            where m.workspace_id = @ws and m.client_id = any(@merged)
            order by m.subscriber_id is null, m.updated_at desc
            limit 1
            on conflict (workspace_id, client_id) do update
               set subscriber_id = coalesce(manychat_clients.subscriber_id, excluded.subscriber_id),
                   email = coalesce(manychat_clients.email, excluded.email),
                   phone = coalesce(manychat_clients.phone, excluded.phone);

            update manychat_clients set merged_into = @survivor
            where workspace_id = @ws and client_id = any(@merged) and merged_into is distinct from @survivor;

            update manychat_tag_pushes set client_id = @survivor
            where id in (select distinct on (p.tag) p.id
                         from manychat_tag_pushes p
                         where p.workspace_id = @ws and p.client_id = any(@merged)
                           and not exists (select 1 from manychat_tag_pushes s
                                           where s.workspace_id = @ws and s.client_id = @survivor and s.tag = p.tag)
                         order by p.tag, p.status in ('pushed', 'already_present') desc, p.id);
            delete from manychat_tag_pushes where workspace_id = @ws and client_id = any(@merged);

            update manychat_actions set client_id = @survivor where workspace_id = @ws and client_id = any(@merged);
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("ws", workspaceId));
            command.Parameters.Add(new NpgsqlParameter<Guid>("survivor", survivor));
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("merged", [.. merged]));
            command.Parameters.Add(new NpgsqlParameter<DateTime>("at", at.UtcDateTime));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Records that a client should carry a tag; a second request for the same client and tag adds nothing.</summary>
    public async Task<bool> RequestAsync(string workspaceId, Guid clientId, string tag, string rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            insert into manychat_tag_pushes (workspace_id, client_id, tag, rule, status, attempts, requested_at, next_attempt_at)
            values (@ws, coalesce((select merged_into from manychat_clients where workspace_id = @ws and client_id = @client), @client),
                    @tag, @rule, 'pending', 0, @now, @now)
            on conflict (workspace_id, client_id, tag) do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("ws", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("client", clientId));
        command.Parameters.Add(new NpgsqlParameter<string>("tag", tag));
        command.Parameters.Add(new NpgsqlParameter<string>("rule", rule));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Pushes due now, with the client's subscriber id when known.</summary>
    public async Task<IReadOnlyList<(TagPushRow Push, string? Subscriber)>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var due = new List<(TagPushRow, string?)>();
        await using var command = dataSource.CreateCommand("""
            select p.id, p.workspace_id, p.client_id, p.tag, p.rule, p.status, p.attempts, c.subscriber_id
            from manychat_tag_pushes p
            left join manychat_clients c on c.workspace_id = p.workspace_id and c.client_id = p.client_id
            where p.status in ('pending', 'waiting_subscriber') and p.next_attempt_at <= @now
              and (p.status = 'pending' or c.subscriber_id is not null)
            order by p.next_attempt_at, p.id
            limit @limit
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", now.UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add((new TagPushRow
            {
                Id = reader.GetInt64(0),
                WorkspaceId = reader.GetString(1),
                ClientId = reader.GetGuid(2),
                Tag = reader.GetString(3),
                Rule = reader.GetString(4),
                Status = reader.GetString(5),
                Attempts = reader.GetInt32(6),
            }, reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return due;
    }

    public async Task SaveAsync(long id, string status, string? subscriberId, int attempts, string? answer, string? error,
        DateTimeOffset nextAttemptAt, DateTimeOffset? pushedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update manychat_tag_pushes
               set status = @status, subscriber_id = @subscriber, attempts = @attempts, answer = @answer, error = @error,
                   next_attempt_at = @next, pushed_at = @pushed
             where id = @id
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("status", status));
        command.Parameters.Add(new NpgsqlParameter("subscriber", NpgsqlDbType.Text) { Value = (object?)subscriberId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("attempts", attempts));
        command.Parameters.Add(new NpgsqlParameter("answer", NpgsqlDbType.Text) { Value = (object?)answer ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("next", nextAttemptAt.UtcDateTime));
        command.Parameters.Add(new NpgsqlParameter("pushed", NpgsqlDbType.TimestampTz) { Value = pushedAt is { } p ? p.UtcDateTime : DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A client's pushes, newest first.</summary>
    public async Task<IReadOnlyList<TagPushRow>> ForClientAsync(string workspaceId, Guid? clientId, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<TagPushRow>();
        await using var command = dataSource.CreateCommand("""
            select id, workspace_id, client_id, tag, rule, status, subscriber_id, attempts, answer, error, requested_at, next_attempt_at, pushed_at
            from manychat_tag_pushes
            where workspace_id = @ws and (@client::uuid is null or client_id = @client)
            order by requested_at desc, id desc limit @limit
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("ws", workspaceId));
        command.Parameters.Add(new NpgsqlParameter("client", NpgsqlDbType.Uuid) { Value = (object?)clientId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TagPushRow
            {
                Id = reader.GetInt64(0),
                WorkspaceId = reader.GetString(1),
                ClientId = reader.GetGuid(2),
                Tag = reader.GetString(3),
                Rule = reader.GetString(4),
                Status = reader.GetString(5),
                SubscriberId = reader.IsDBNull(6) ? null : reader.GetString(6),
                Attempts = reader.GetInt32(7),
                Answer = reader.IsDBNull(8) ? null : reader.GetString(8),
                Error = reader.IsDBNull(9) ? null : reader.GetString(9),
                RequestedAt = reader.GetFieldValue<DateTimeOffset>(10),
                NextAttemptAt = reader.GetFieldValue<DateTimeOffset>(11),
                PushedAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
            });
        }
        return rows;
    }
}
