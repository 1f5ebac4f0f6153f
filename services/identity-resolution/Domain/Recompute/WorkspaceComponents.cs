using Npgsql;

namespace Platform.IdentityResolution.Domain.Recompute;

/// <summary>
/// Every record of a workspace grouped into the units a recompute must handle whole: records joined by an
/// unblocked value, by a live operator merge or split, or by being in the same client now (so a client that
/// falls apart is recomputed in one transaction, as every piece of it needs to know the others). These are the
/// sets <see cref="Resolution.ComponentRecompute"/> walks to from any of their records.
/// </summary>
internal static class WorkspaceComponents
{
    /// <summary>The components, each as its record ids in ascending order, ordered by their smallest record id.</summary>
    public static async Task<List<long[]>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string workspaceId, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var index = new Dictionary<long, int>();
        var byClient = new Dictionary<Guid, int>();
        var parent = new List<int>();

        int Find(int i)
        {
            while (parent[i] != i)
            {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }
        void Union(int a, int b)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb)
            {
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            }
        }

        await using (var command = new NpgsqlCommand("select id, client_id from records where workspace_id = @w order by id", connection, transaction))
        {
            command.Parameters.AddWithValue("w", workspaceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var i = ids.Count;
                ids.Add(reader.GetInt64(0));
                index[ids[i]] = i;
                parent.Add(i);
                if (!reader.IsDBNull(1))
                {
                    var client = reader.GetGuid(1);
                    if (byClient.TryGetValue(client, out var first))
                    {
                        Union(first, i);
                    }
                    else
                    {
                        byClient[client] = i;
                    }
                }
            }
        }

        // Pairs sorted by their key: consecutive rows with the same key are joined.
        async Task JoinByAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue("w", workspaceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            long? key = null;
            var first = -1;
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!index.TryGetValue(reader.GetInt64(1), out var i))
                {
                    continue;
                }
                var k = reader.GetInt64(0);
                if (k != key)
                {
                    (key, first) = (k, i);
                }
                else
                {
                    Union(first, i);
                }
            }
        }
        await JoinByAsync("""
            select ri.value_id, ri.record_id
            from record_identifiers ri
            join identifier_values v on v.id = ri.value_id
            where v.workspace_id = @w and v.blocked_reason is null
            order by ri.value_id
            """);
        await JoinByAsync("""
            select dr.decision_id, dr.record_id
            from operator_decision_records dr
            join operator_decisions d on d.id = dr.decision_id
            where d.workspace_id = @w and d.superseded_at is null and d.kind in ('merge', 'split')
            order by dr.decision_id
            """);

        var components = new Dictionary<int, List<long>>();
        for (var i = 0; i < ids.Count; i++)
        {
            var root = Find(i);
            if (!components.TryGetValue(root, out var members))
            {
                components[root] = members = [];
            }
            members.Add(ids[i]);
        }
        // Records were read in id order, so each list is ascending and the root is the smallest id's index.
        return components.OrderBy(c => c.Key).Select(c => c.Value.ToArray()).ToList();
    }
}
