namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>A client that existed before a recompute, with what decides which client survives a merge.</summary>
internal readonly record struct ExistingClient(Guid Id, DateTimeOffset CreatedAt);

/// <summary>A record whose client changed: newly linked, moved by a merge or split, or unlinked (<see cref="To"/> null).</summary>
internal readonly record struct RecordMove(long RecordId, Guid? From, Guid? To);

/// <summary>How a new partition maps onto the clients that existed: who continues, who is new, merged or dissolved.</summary>
internal sealed record AssignmentResult(
    IReadOnlyList<Guid?> GroupClients,
    IReadOnlySet<Guid> NewClients,
    IReadOnlyDictionary<Guid, Guid> MergedInto,
    IReadOnlySet<Guid> Dissolved,
    IReadOnlyDictionary<Guid, IReadOnlyList<RecordMove>> SplitMoves,
    IReadOnlyList<RecordMove> Moves);

/// <summary>
/// Maps groups to client ids so that ids stay stable: the oldest existing client keeps the group holding most
/// of its records (records that did not just change count first; on a tie, the group with its oldest record),
/// so on a merge the oldest client survives unless an operator named the survivor. Any other existing client
/// is merged into the group holding most of its records (or dissolved when none of them is in a client any
/// more), and a group no existing client continues is a new client.
/// </summary>
internal static class ClientAssignment
{
    public static AssignmentResult Assign(
        PartitionResult partition,
        IReadOnlyDictionary<long, Guid?> previousClientOfRecord,
        IReadOnlyList<ExistingClient> existingClients,
        Func<Guid> newClientId,
        IReadOnlyDictionary<Guid, long>? preferredRecord = null,
        IReadOnlySet<long>? changedRecords = null)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(previousClientOfRecord);
        ArgumentNullException.ThrowIfNull(existingClients);
        ArgumentNullException.ThrowIfNull(newClientId);

        // Records per (existing client, client group); records whose identifiers did not just change weigh
        // first, so when a record's new version takes it out of a client, the client stays with the others.
        var overlap = new Dictionary<Guid, Dictionary<int, (int Unchanged, int All)>>();
        foreach (var (recordId, placement) in partition.Placements)
        {
            if (previousClientOfRecord.GetValueOrDefault(recordId) is not { } previous)
            {
                continue;
            }
            var counts = overlap.TryGetValue(previous, out var c) ? c : overlap[previous] = [];
            if (partition.Groups[placement.Group].IsClient)
            {
                var (unchanged, all) = counts.GetValueOrDefault(placement.Group);
                counts[placement.Group] = (unchanged + (changedRecords?.Contains(recordId) == true ? 0 : 1), all + 1);
            }
        }

        var oldestRecord = partition.Groups.Select(g => g.RecordIds.Min()).ToArray();
        var groupClients = new Guid?[partition.Groups.Count];
        var continued = new HashSet<Guid>();
        preferredRecord ??= new Dictionary<Guid, long>();
        foreach (var client in existingClients
                     .OrderBy(c => preferredRecord.ContainsKey(c.Id) ? 0 : 1)
                     .ThenBy(c => c.CreatedAt)
                     .ThenBy(c => c.Id))
        {
            if (!overlap.TryGetValue(client.Id, out var counts))
            {
                continue;
            }
            // An operator action may say which group a client should continue as (the rest of a split, the
            // target of a merge); otherwise it continues as the group with most of its records.
            var best = preferredRecord.TryGetValue(client.Id, out var record)
                       && partition.Placements.TryGetValue(record, out var preferred)
                       && counts.ContainsKey(preferred.Group) && groupClients[preferred.Group] is null
                ? preferred.Group
                : Best(counts, oldestRecord, g => groupClients[g] is null);
            if (best is { } group)
            {
                groupClients[group] = client.Id;
                continued.Add(client.Id);
            }
        }

        var created = new HashSet<Guid>();
        for (var g = 0; g < groupClients.Length; g++)
        {
            if (partition.Groups[g].IsClient && groupClients[g] is null)
            {
                groupClients[g] = newClientId();
                created.Add(groupClients[g]!.Value);
            }
        }

        var mergedInto = new Dictionary<Guid, Guid>();
        var dissolved = new HashSet<Guid>();
        foreach (var (client, counts) in overlap)
        {
            if (continued.Contains(client))
            {
                continue;
            }
            if (Best(counts, oldestRecord, _ => true) is { } target)
            {
                mergedInto[client] = groupClients[target]!.Value;
            }
            else
            {
                dissolved.Add(client);
            }
        }

        var moves = new List<RecordMove>();
        var splitMoves = new Dictionary<Guid, List<RecordMove>>();
        foreach (var (recordId, placement) in partition.Placements.OrderBy(p => p.Key))
        {
            var previous = previousClientOfRecord.GetValueOrDefault(recordId);
            var now = groupClients[placement.Group];
            if (previous == now)
            {
                continue;
            }
            var move = new RecordMove(recordId, previous, now);
            moves.Add(move);
            // A record that followed its client into the survivor of a merge was not split off.
            if (previous is { } from && !(mergedInto.TryGetValue(from, out var survivor) && survivor == now))
            {
                (splitMoves.TryGetValue(from, out var list) ? list : splitMoves[from] = []).Add(move);
            }
        }

        return new AssignmentResult(
            groupClients,
            created,
            mergedInto,
            dissolved,
            splitMoves.ToDictionary(s => s.Key, s => (IReadOnlyList<RecordMove>)s.Value),
            moves);
    }

    /// <summary>
    /// The allowed group with the most of the client's unchanged records, then the most records; on a tie,
    /// the group holding the oldest record (record ids only grow), so a client continues with the records it
    /// has had longest.
    /// </summary>
    private static int? Best(Dictionary<int, (int Unchanged, int All)> counts, long[] oldestRecord, Func<int, bool> allowed)
    {
        int? best = null;
        foreach (var (group, count) in counts)
        {
            if (!allowed(group))
            {
                continue;
            }
            if (best is not { } current || Compare(count, oldestRecord[group], counts[current], oldestRecord[current]) > 0)
            {
                best = group;
            }
        }
        return best;
    }

    private static int Compare((int Unchanged, int All) a, long oldestA, (int Unchanged, int All) b, long oldestB) =>
        a.Unchanged != b.Unchanged ? a.Unchanged.CompareTo(b.Unchanged)
        : a.All != b.All ? a.All.CompareTo(b.All)
        : oldestB.CompareTo(oldestA);
}
