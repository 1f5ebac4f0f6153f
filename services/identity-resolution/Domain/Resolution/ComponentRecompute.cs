using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;
using Platform.IdentityResolution.Persistence;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>What a recompute changed, and everything needed to announce it.</summary>
internal sealed record RecomputeResult(
    PartitionResult Partition,
    AssignmentResult Assignment,
    IReadOnlyDictionary<long, ComponentRecord> Records,
    IReadOnlyDictionary<Guid, ClientState> Clients,
    IReadOnlyList<ClientState> Changed,
    IReadOnlyList<NewConflict> NewConflicts)
{
    public static readonly RecomputeResult Empty = new(
        new PartitionResult([], new Dictionary<long, RecordPlacement>(), [], []),
        new AssignmentResult([], new HashSet<Guid>(), new Dictionary<Guid, Guid>(), new HashSet<Guid>(), new Dictionary<Guid, IReadOnlyList<RecordMove>>(), []),
        new Dictionary<long, ComponentRecord>(), new Dictionary<Guid, ClientState>(), [], []);

    /// <summary>The group a record is in now.</summary>
    public IEnumerable<long> GroupOf(long recordId) =>
        Partition.Placements.TryGetValue(recordId, out var placement) ? Partition.Groups[placement.Group].RecordIds : [recordId];
}

/// <summary>A record not inserted yet: what the recompute sees of it, and what is written once it is placed.</summary>
internal sealed record PendingRecord(ComponentRecord Component, RecordWrite Write);

/// <summary>
/// Recomputes the component(s) around some records and stores the difference: partition, client ids,
/// golden records, record placements and conflicts. Runs inside the caller's transaction, under the workspace
/// lock, so the stored state always equals the partition of the stored records and decisions. A batch's new records
/// (<see cref="PendingRecord"/>: identifiers stored, row not yet) are partitioned with the rest and inserted where they
/// are placed: one write each instead of an insert and a placement update (a row and four index entries less).
/// </summary>
internal static class ComponentRecompute
{
    public static async Task<RecomputeResult> RunAsync(
        ResolutionStore store,
        string workspaceId,
        IReadOnlyCollection<long> seeds,
        IReadOnlySet<long> touched,
        ResolutionRules rules,
        DateTimeOffset now,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<Guid, long>? preferredRecord = null,
        IReadOnlyDictionary<long, PendingRecord>? pending = null)
    {
        if (seeds.Count == 0)
        {
            return RecomputeResult.Empty;
        }
        var ids = await store.WalkComponentAsync(seeds, cancellationToken);
        var (loaded, decisions) = await store.LoadComponentAsync(ids, cancellationToken, pending?.ToDictionary(p => p.Key, p => p.Value.Component));
        var records = loaded.ToDictionary(r => r.Id);
        var partition = ComponentPartitioner.Partition(
            loaded.Select(r => r.ToPartitionRecord()).ToList(),
            decisions,
            rules);

        var previous = loaded.ToDictionary(r => r.Id, r => r.ClientId);
        var previousClientIds = loaded.Where(r => r.ClientId is not null).Select(r => r.ClientId!.Value).ToHashSet();
        var clients = await store.LoadClientsAsync(previousClientIds, cancellationToken);
        var assignment = ClientAssignment.Assign(
            partition, previous, clients.Values.Select(c => new ExistingClient(c.Id, c.CreatedAt)).ToList(), () => Guid.CreateVersion7(now), preferredRecord, touched);

        var previousCounts = loaded.Where(r => r.ClientId is not null).GroupBy(r => r.ClientId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var changed = new List<ClientState>();
        for (var g = 0; g < partition.Groups.Count; g++)
        {
            if (assignment.GroupClients[g] is not { } clientId)
            {
                continue;
            }
            var group = partition.Groups[g];
            if (!clients.TryGetValue(clientId, out var client))
            {
                clients[clientId] = client = new ClientState { Id = clientId, WorkspaceId = workspaceId, CreatedAt = now, UpdatedAt = now };
            }
            var membershipChanged = client.Version == 0
                || client.Status != ClientStatuses.Active
                || group.RecordIds.Any(id => previous[id] != clientId)
                || previousCounts.GetValueOrDefault(clientId) != group.RecordIds.Count;
            if (!membershipChanged && !group.RecordIds.Any(touched.Contains))
            {
                continue;
            }
            var members = group.RecordIds.Select(id => records[id]).ToList();
            var golden = GoldenRecordBuilder.Build(
                members.Select(r => new GoldenSource(r.Id, r.Source, r.EntityType, r.ExternalId, r.SourceUpdatedAt,
                    ResolutionJson.ReadFields(r.FieldsJson), r.Identifiers)).ToList(),
                group.ClientKind,
                rules);
            var identifiers = IdentifiersOf(members);
            if (!membershipChanged && client.Shows(group.ClientKind, golden, identifiers, members.Count))
            {
                continue;
            }
            client.Apply(group.ClientKind, golden, identifiers, members.Count, now);
            changed.Add(client);
        }

        var retired = new List<ClientState>();
        foreach (var (clientId, survivor) in assignment.MergedInto)
        {
            clients[clientId].Retire(survivor, now);
            retired.Add(clients[clientId]);
        }
        foreach (var clientId in assignment.Dissolved)
        {
            clients[clientId].Retire(null, now);
            retired.Add(clients[clientId]);
        }

        var placements = new List<PlacementWrite>();
        var placed = new List<(RecordWrite, PlacementWrite)>();
        foreach (var record in loaded)
        {
            var placement = partition.Placements[record.Id];
            var clientId = assignment.GroupClients[placement.Group];
            if (pending?.TryGetValue(record.Id, out var waiting) == true)
            {
                placed.Add((waiting.Write, new PlacementWrite(record.Id, clientId, placement.Status, placement.Reason)));
            }
            else if (record.ClientId != clientId || record.Status != placement.Status || record.StatusReason != placement.Reason
                || touched.Contains(record.Id))
            {
                placements.Add(new PlacementWrite(record.Id, clientId, placement.Status, placement.Reason));
            }
        }

        var (added, superseded) = await DiffConflictsAsync(
            store, partition, assignment, previousClientIds, cancellationToken);

        if (pending is not null && placed.Count != pending.Count)
        {
            throw new InvalidOperationException($"{pending.Count - placed.Count} new records were not reached by the recompute of their component.");
        }
        await store.SaveClientsAsync([.. changed, .. retired], cancellationToken);
        await store.InsertPlacedRecordsAsync(workspaceId, placed, now, cancellationToken);
        await store.SavePlacementsAsync(placements, now, cancellationToken);
        await store.SaveConflictsAsync(workspaceId, added, superseded, now, cancellationToken);
        return new RecomputeResult(partition, assignment, records, clients, changed, added);
    }

    /// <summary>Every usable identifier of the client's records, distinct, in priority order.</summary>
    private static List<Identifier> IdentifiersOf(IEnumerable<ComponentRecord> members) =>
        members
            .SelectMany(r => r.Identifiers)
            .Where(i => !i.Blocked)
            .Select(i => (i.Kind, i.Value))
            .Distinct()
            .OrderBy(i => IdentifierKindRules.Order(i.Kind))
            .ThenBy(i => i.Value, StringComparer.Ordinal)
            .Select(i => new Identifier(i.Kind, i.Value))
            .ToList();

    /// <summary>
    /// The conflicts the partition implies (refused links between two clients) against the open ones stored
    /// for these clients: new ones are opened, ones no longer implied are superseded, the rest stay as they are.
    /// </summary>
    private static async Task<(List<NewConflict> Added, List<Guid> Superseded)> DiffConflictsAsync(
        ResolutionStore store,
        PartitionResult partition,
        AssignmentResult assignment,
        IReadOnlyCollection<Guid> previousClientIds,
        CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<(Guid, Guid, string, string), NewConflict>();
        foreach (var refusal in partition.Refusals.Where(r => !r.ByDecision))
        {
            if (assignment.GroupClients[refusal.GroupA] is not { } a || assignment.GroupClients[refusal.GroupB] is not { } b)
            {
                continue;
            }
            var (first, second, recordFirst, recordSecond) = a.CompareTo(b) < 0
                ? (a, b, refusal.RecordA, refusal.RecordB)
                : (b, a, refusal.RecordB, refusal.RecordA);
            wanted.TryAdd((first, second, refusal.Kind, refusal.Value),
                new NewConflict(Guid.CreateVersion7(), first, second, refusal.Kind, refusal.Value, refusal.Rule, recordFirst, recordSecond));
        }
        var involved = previousClientIds.Concat(assignment.GroupClients.OfType<Guid>()).ToHashSet();
        var open = await store.LoadOpenConflictsAsync(involved, cancellationToken);
        var openKeys = open.Select(c => (c.ClientAId, c.ClientBId, c.Kind, c.Value)).ToHashSet();
        var added = wanted.Where(w => !openKeys.Contains(w.Key)).Select(w => w.Value).ToList();
        var superseded = open.Where(c => !wanted.ContainsKey((c.ClientAId, c.ClientBId, c.Kind, c.Value))).Select(c => c.Id).ToList();
        return (added, superseded);
    }
}
