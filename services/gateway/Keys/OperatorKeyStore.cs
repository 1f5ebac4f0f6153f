using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Platform.Gateway.Authentication;

namespace Platform.Gateway.Keys;

/// <summary>A stored key as listed (never its secret).</summary>
internal sealed record StoredKey(Guid Id, string Name, string Role, IReadOnlyList<string>? Workspaces, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// Operator keys in <c>gateway.operator_keys</c>. A key reads <c>pk_&lt;id&gt;_&lt;secret&gt;</c>: the id finds the row,
/// the secret is checked against HMAC-SHA256(salt, secret) with the row's own random salt. Verified keys are remembered
/// for a short while so a busy script does not cost a query per call; deleting a key forgets it at once here (other
/// replicas within <see cref="CacheFor"/>).
/// </summary>
internal sealed class OperatorKeyStore(NpgsqlDataSource database, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private const string Prefix = "pk_";
    private readonly ConcurrentDictionary<Guid, (StoredKey Key, byte[] Salt, byte[] Hash, DateTimeOffset Until)> _cache = new();

    public static bool LooksStored(string presented) => presented.StartsWith(Prefix, StringComparison.Ordinal);

    public async Task<(StoredKey Key, string Secret)> CreateAsync(string name, string role, IReadOnlyList<string>? workspaces, string createdBy,
        CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var salt = RandomNumberGenerator.GetBytes(16);
        await using var command = database.CreateCommand("""
            insert into gateway.operator_keys (id, name, role, workspaces, salt, hash, created_by)
            values ($1, $2, $3, $4, $5, $6, $7) returning created_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = workspaces?.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = salt });
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(salt, secret) });
        command.Parameters.Add(new NpgsqlParameter { Value = createdBy });
        var created = (DateTime)(await command.ExecuteScalarAsync(cancellationToken))!;
        return (new StoredKey(id, name, role, workspaces, new DateTimeOffset(created, TimeSpan.Zero), createdBy), $"{Prefix}{id:N}_{secret}");
    }

    public async Task<IReadOnlyList<StoredKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            select id, name, role, workspaces, created_at, created_by from gateway.operator_keys where revoked_at is null order by created_at, id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }
        return keys;
    }

    public async Task<StoredKey?> GetAsync(Guid id, CancellationToken cancellationToken) => (await LoadAsync(id, cancellationToken))?.Key;

    /// <summary>True when an active key was revoked.</summary>
    public async Task<bool> RevokeAsync(Guid id, string revokedBy, CancellationToken cancellationToken)
    {
        _cache.TryRemove(id, out _);
        await using var command = database.CreateCommand(
            "update gateway.operator_keys set revoked_at = now(), revoked_by = $2 where id = $1 and revoked_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = revokedBy });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The operator a <c>pk_</c> key belongs to, or null when it is unknown, revoked or its secret is wrong.</summary>
    public async Task<OperatorKey?> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        var parts = presented[Prefix.Length..].Split('_');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var id) || parts[1].Length != 64)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        if (!_cache.TryGetValue(id, out var entry) || entry.Until < now)
        {
            if (await LoadAsync(id, cancellationToken) is not { } loaded)
            {
                _cache.TryRemove(id, out _);
                return null;
            }
            entry = (loaded.Key, loaded.Salt, loaded.Hash, now + CacheFor);
            _cache[id] = entry;
        }
        return CryptographicOperations.FixedTimeEquals(Hash(entry.Salt, parts[1]), entry.Hash)
            ? new OperatorKey(entry.Key.Name, entry.Key.Role, entry.Key.Workspaces, id)
            : null;
    }

    private async Task<(StoredKey Key, byte[] Salt, byte[] Hash)?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            select id, name, role, workspaces, created_at, created_by, salt, hash from gateway.operator_keys where id = $1 and revoked_at is null
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return (Read(reader), reader.GetFieldValue<byte[]>(6), reader.GetFieldValue<byte[]>(7));
    }

    private static StoredKey Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero), reader.GetString(5));

    private static byte[] Hash(byte[] salt, string secret) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret));
}
