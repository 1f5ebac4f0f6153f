using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Gateway.Privacy;

/// <summary>One privacy request as stored (no personal value: hashes only).</summary>
internal sealed record PrivacyRequestRow(Guid Id, string WorkspaceId, string Kind, string Status, JsonElement Services, JsonElement? Document,
    string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

/// <summary>The gateway's privacy tables (schema <c>gateway</c>).</summary>
internal sealed class PrivacyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The workspace's salt, made on first use (random, never leaves the platform's services).</summary>
    public async Task<byte[]> SaltAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            with made as (insert into gateway.privacy_salts (workspace_id, salt) values (@w, @salt) on conflict do nothing returning salt)
            select salt from made union all select salt from gateway.privacy_salts where workspace_id = @w limit 1
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("salt", RandomNumberGenerator.GetBytes(32)));
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CreateAsync(Guid id, string workspaceId, string kind, IReadOnlyCollection<string> subjectHashes, string requestedBy,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            insert into gateway.privacy_requests (id, workspace_id, kind, subject_hashes, status, requested_by, created_at)
            values (@id, @w, @kind, @hashes, 'running', @by, @now)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<string>("kind", kind));
        command.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. subjectHashes]));
        command.Parameters.Add(new NpgsqlParameter<string>("by", requestedBy));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records how far one service got.</summary>
    public async Task ServiceStateAsync(Guid id, string service, object state, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "update gateway.privacy_requests set services = services || jsonb_build_object(@service, @state) where id = @id");
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("service", service));
        command.Parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(state, PrivacyJson.Options) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CompleteAsync(Guid id, bool succeeded, IReadOnlyCollection<string> suppressionHashes, object? document,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update gateway.privacy_requests
            set status = @status, completed_at = @now, suppression_hashes = @hashes, document = @document
            where id = @id
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("status", succeeded ? "completed" : "failed"));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. suppressionHashes]));
        command.Parameters.Add(new NpgsqlParameter("document", NpgsqlDbType.Jsonb)
        {
            Value = document is null ? DBNull.Value : JsonSerializer.Serialize(document, PrivacyJson.Options),
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An erased person's earlier access exports are personal data too: their documents go.</summary>
    public async Task<int> ForgetExportsAsync(string workspaceId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update gateway.privacy_requests set document = null
            where workspace_id = @w and kind = 'access' and document is not null and (subject_hashes && @hashes or suppression_hashes && @hashes)
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. hashes]));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Requests left running by a gateway that stopped: their values were only in its memory, so they are asked again.</summary>
    public async Task FailInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update gateway.privacy_requests set status = 'failed', completed_at = @now,
                services = services || '{"gateway": {"state": "failed", "error": "interrupted by a gateway restart; submit the request again"}}'
            where status = 'running'
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<PrivacyRequestRow?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select id, workspace_id, kind, status, services, document, requested_by, created_at, completed_at
            from gateway.privacy_requests where id = @id
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new PrivacyRequestRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(),
            reader.IsDBNull(5) ? null : JsonDocument.Parse(reader.GetString(5)).RootElement.Clone(),
            reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
    }

    /// <summary>Every hash suppressed by an erasure of the workspace that shares one of <paramref name="hashes"/>.</summary>
    public async Task<string[]> SuppressedWithAsync(string workspaceId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select coalesce(array_agg(distinct h), '{}') from gateway.privacy_requests r, unnest(r.suppression_hashes) h
            where r.workspace_id = @w and r.kind = 'erasure' and (r.suppression_hashes && @hashes or r.subject_hashes && @hashes)
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. hashes]));
        return (string[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task RecordConsentAsync(Guid id, string workspaceId, IReadOnlyCollection<string> subjectHashes, IReadOnlyCollection<string> lifted,
        string recordedBy, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            insert into gateway.privacy_consents (id, workspace_id, subject_hashes, lifted_hashes, recorded_by, recorded_at)
            values (@id, @w, @subject, @lifted, @by, @now)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("subject", [.. subjectHashes]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("lifted", [.. lifted]));
        command.Parameters.Add(new NpgsqlParameter<string>("by", recordedBy));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

internal static class PrivacyJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
