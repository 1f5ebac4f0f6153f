using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Platform.Connectors.Staging;
using Platform.Contracts.Records;
using Platform.ServiceDefaults.Privacy;

namespace Platform.Connectors.Privacy;

/// <summary>
/// The people erased from a workspace, as salted hashes of their identifiers only (<see cref="SuppressionKey"/>): a
/// record that arrives with any of them (a later sync, a backfill, a webhook) is not staged, until a recorded new
/// consent lifts the hashes. Empty for almost every workspace, so the check is one indexed read per staged page.
/// </summary>
public sealed partial class SuppressionList(NpgsqlDataSource dataSource)
{
    private const string ReadSql = """
        select s.salt, array(select value_hash from privacy_suppressions p where p.workspace_id = s.workspace_id)
        from privacy_salts s where s.workspace_id = @w
        """;

    /// <summary>Puts hashes on the list (idempotent), keeping the workspace's salt to hash what arrives.</summary>
    public async Task AddAsync(string workspaceId, byte[] salt, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        await using var batch = dataSource.CreateBatch();
        var saltCommand = new NpgsqlBatchCommand("insert into privacy_salts (workspace_id, salt) values (@w, @salt) on conflict (workspace_id) do update set salt = excluded.salt");
        saltCommand.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        saltCommand.Parameters.Add(new NpgsqlParameter<byte[]>("salt", salt));
        batch.BatchCommands.Add(saltCommand);
        var hashCommand = new NpgsqlBatchCommand("insert into privacy_suppressions (workspace_id, value_hash) select @w, unnest(@hashes) on conflict do nothing");
        hashCommand.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        hashCommand.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. hashes]));
        batch.BatchCommands.Add(hashCommand);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Takes hashes off the list (a new consent).</summary>
    public async Task LiftAsync(string workspaceId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        await using var command = dataSource.CreateCommand("delete from privacy_suppressions where workspace_id = @w and value_hash = any(@hashes)");
        command.Parameters.Add(new NpgsqlParameter<string>("w", workspaceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. hashes]));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The workspace's list as a matcher, or null when nobody is suppressed there.</summary>
    public static async Task<Matcher?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string workspaceId,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { ReadCommand(workspaceId) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await MatcherAsync(reader, cancellationToken);
    }

    /// <summary>The statement that reads the workspace's list, for a batch that sends it with others (its result first).</summary>
    public static NpgsqlBatchCommand ReadCommand(string workspaceId) =>
        new(ReadSql) { Parameters = { new NpgsqlParameter<string>("w", workspaceId) } };

    /// <summary>The list read by <see cref="ReadCommand"/>, from the reader positioned on its result.</summary>
    public static async Task<Matcher?> MatcherAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var hashes = reader.GetFieldValue<string[]>(1);
        return hashes.Length == 0 ? null : new Matcher(reader.GetFieldValue<byte[]>(0), [.. hashes]);
    }

    private static List<Identifier> IdentifiersOf(string canonical)
    {
        using var document = JsonDocument.Parse(canonical);
        if (!document.RootElement.TryGetProperty("identifiers", out var identifiers) || identifiers.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var list = new List<Identifier>();
        foreach (var identifier in identifiers.EnumerateArray())
        {
            if (identifier.TryGetProperty("kind", out var kind) && identifier.TryGetProperty("value", out var value)
                && kind.ValueKind == JsonValueKind.String && value.ValueKind == JsonValueKind.String)
            {
                list.Add(new Identifier(kind.GetString()!, value.GetString()!));
            }
        }
        return list;
    }

    /// <summary>A workspace's salt and hashes.</summary>
    public sealed partial class Matcher(byte[] salt, HashSet<string> hashes)
    {
        /// <summary>The records of a staged page that name nobody on the list (the page itself when none does).</summary>
        public IReadOnlyList<PreparedRecord> Without(IReadOnlyList<PreparedRecord> records)
        {
            ArgumentNullException.ThrowIfNull(records);
            var kept = records.Where(r => !Matches(IdentifiersOf(r.Canonical), r.Payload)).ToList();
            return kept.Count == records.Count ? records : kept;
        }

        /// <summary>
        /// Whether the record names a suppressed person: by an identifier its mapping read, or by an email anywhere in
        /// what the source sent (a mapping that does not read a field, such as a dispute's evidence, must not let the
        /// person back in).
        /// </summary>
        public bool Matches(IEnumerable<Identifier> identifiers, string? payload) =>
            identifiers.Any(i => SuppressionKey.Hash(salt, i.Kind, i.Value) is { } hash && hashes.Contains(hash))
            || (payload is not null && AnyEmailIn(payload));

        private bool AnyEmailIn(string payload)
        {
            foreach (var email in EmailInText().EnumerateMatches(payload))
            {
                if (SuppressionKey.Hash(salt, "email", payload.Substring(email.Index, email.Length)) is { } hash && hashes.Contains(hash))
                {
                    return true;
                }
            }
            return false;
        }

        [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", RegexOptions.CultureInvariant)]
        private static partial Regex EmailInText();
    }
}
