using Npgsql;
using NpgsqlTypes;

namespace Platform.Aggregation.Persistence;

/// <summary>A record that left a client, as <c>ClientSplit</c> tells it.</summary>
internal sealed record MoveWrite(string Source, string EntityType, string ExternalId, Guid? ToClientId);

internal sealed partial class AggregationStore
{
    /// <summary>Re-points rows of the records in <c>agg_moved</c> (records, sales, timeline) to their new client.</summary>
    private const string RepointMoved = """
        update client_records r set client_id = m.new_client, updated_at = now()
        from agg_moved m
        where r.workspace_id = @w and r.source = m.source and r.external_id = m.external_id and r.entity_type = m.entity_type
        """;

    /// <summary>The client a merged client's messages now belong to (itself when it was never merged).</summary>
    public async Task<Guid> SurvivorOfAsync(Guid clientId, CancellationToken cancellationToken)
    {
        await using var batch = Batch(("select coalesce((select survivor_client_id from merged_clients where merged_client_id = @id), @id)",
            [("id", clientId)]));
        return (Guid)(await batch.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Folds <paramref name="merged"/> into <paramref name="survivor"/>: remembered (a late message about a merged client
    /// is redirected, and earlier merges into a merged client now point at the survivor), their records, sales and
    /// timeline re-pointed, and all of them queued for recompute.
    /// </summary>
    public async Task ApplyMergeAsync(Guid survivor, long? survivorVersion, Guid[] merged, Guid correlationId, DateTimeOffset mergedAt,
        CancellationToken cancellationToken)
    {
        (string, object?)[] p =
        [
            ("survivor", survivor), ("version", survivorVersion), ("merged", merged), ("correlation", correlationId),
            ("at", mergedAt.ToUniversalTime()),
        ];
        await using var batch = Batch(
            ("""
             insert into merged_clients (merged_client_id, workspace_id, survivor_client_id, survivor_version, merged_at)
             select m, @w, @survivor, @version::bigint, @at from unnest(@merged) m where m <> @survivor
             on conflict (merged_client_id) do update set survivor_client_id = excluded.survivor_client_id,
                 survivor_version = excluded.survivor_version, merged_at = excluded.merged_at
             """, p),
            ("""
             update merged_clients set survivor_client_id = @survivor, survivor_version = @version::bigint
             where survivor_client_id = any(@merged) and merged_client_id <> @survivor
             """, p),
            ("""
             insert into agg_clients (client_id, correlation_id)
             select c, @correlation from unnest(array_append(@merged, @survivor)) c on conflict (client_id) do nothing
             """, p),
            ("update client_records set client_id = @survivor, updated_at = now() where client_id = any(@merged) and client_id <> @survivor", p),
            ("update sales set client_id = @survivor, updated_at = now() where client_id = any(@merged) and client_id <> @survivor", p),
            ("update customer_activities set client_id = @survivor where client_id = any(@merged) and client_id <> @survivor", p));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records the moves of a split (so an older <c>RecordLinked</c> to <paramref name="from"/> cannot move a record back),
    /// re-points the moved records that are still with <paramref name="from"/> (a record already re-linked elsewhere is
    /// left where it is), and queues every client involved for recompute.
    /// </summary>
    public async Task ApplySplitAsync(Guid from, long fromVersion, IReadOnlyList<MoveWrite> moves, Guid correlationId, DateTimeOffset splitAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(moves);
        (string, object?)[] p =
        [
            ("from", from), ("version", fromVersion), ("correlation", correlationId), ("at", splitAt.ToUniversalTime()),
            ("sources", moves.Select(m => m.Source).ToArray()),
            ("types", moves.Select(m => m.EntityType).ToArray()),
            ("externals", moves.Select(m => m.ExternalId).ToArray()),
            ("targets", moves.Select(m => m.ToClientId).ToArray()),
        ];
        const string Moves = "unnest(@sources, @types, @externals, @targets) as m(source, entity_type, external_id, to_client)";
        await using var batch = Batch(
            ($"""
              insert into record_moves (workspace_id, source, entity_type, external_id, from_client_id, from_client_version, to_client_id, moved_at)
              select distinct on (m.source, m.external_id, m.entity_type) @w, m.source, m.entity_type, m.external_id, @from, @version, m.to_client, @at
              from {Moves}
              on conflict (workspace_id, source, external_id, entity_type, from_client_id) do update set
                  from_client_version = excluded.from_client_version, to_client_id = excluded.to_client_id, moved_at = excluded.moved_at
              where excluded.from_client_version >= record_moves.from_client_version
              """, p),
            ($"""
              insert into agg_moved (source, entity_type, external_id, old_client, new_client)
              select r.source, r.entity_type, r.external_id, r.client_id,
                  case when m.to_client is null then null else coalesce(mc.survivor_client_id, m.to_client) end
              from {Moves}
              join client_records r on r.workspace_id = @w and r.source = m.source and r.external_id = m.external_id
                  and r.entity_type = m.entity_type and r.client_id = @from
              left join merged_clients mc on mc.merged_client_id = m.to_client
              """, p),
            (RepointMoved, []),
            (MoveSales, []),
            (MoveActivities, []),
            ("""
             insert into agg_clients (client_id, correlation_id)
             select c, @correlation from (select @from as c union select new_client from agg_moved) x
             where c is not null on conflict (client_id) do nothing
             """, p));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Upserts clients' display fields in one statement; an update not newer than the held version changes nothing, and
    /// of several updates of one client in the batch only the newest is written.
    /// </summary>
    public static async Task UpsertClientsAsync(NpgsqlDataSource dataSource, IReadOnlyList<Contracts.IdentityResolution.ClientUpdated> clients,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(clients);
        var newest = clients.GroupBy(c => c.ClientId).Select(g => g.MaxBy(c => c.Version)!).ToList();
        await using var command = dataSource.CreateCommand("""
            insert into clients as c (client_id, workspace_id, display_name, primary_email, primary_phone, document, version, updated_at)
            select * from unnest(@ids, @ws, @names, @emails, @phones, @documents, @versions, @ats)
            on conflict (client_id) do update set workspace_id = excluded.workspace_id, display_name = excluded.display_name,
                primary_email = excluded.primary_email, primary_phone = excluded.primary_phone, document = excluded.document,
                version = excluded.version, updated_at = excluded.updated_at
            where excluded.version > c.version
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. newest.Select(c => c.ClientId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("ws", [.. newest.Select(c => c.WorkspaceId)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("names", [.. newest.Select(c => c.DisplayName)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("emails", [.. newest.Select(c => c.PrimaryEmail)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("phones", [.. newest.Select(c => c.PrimaryPhone)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("documents", [.. newest.Select(c => c.Document)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]>("versions", [.. newest.Select(c => c.Version)]));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("ats", [.. newest.Select(c => c.UpdatedAt.UtcDateTime)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
