using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>An event to publish after the commit, from the message (<see cref="Origin"/>) that caused it.</summary>
internal sealed record PendingEvent(int Origin, object Message);

/// <summary>
/// Turns what a recompute changed into the events the platform reads: ClientsMerged, ClientSplit,
/// ClientUpdated (every changed client, survivors included), RecordLinked (every record that joined or moved,
/// and every new version of a linked record) and MergeConflictRecorded (once, when the conflict opens).
/// Each event carries the correlation id of the first message in the batch whose records it concerns.
/// </summary>
internal sealed class ResolutionEvents(string workspaceId, IReadOnlyList<Guid> correlations, DateTimeOffset now, IReadOnlyDictionary<long, int> originOfRecord)
{
    private readonly List<PendingEvent> _events = [];

    public IReadOnlyList<PendingEvent> Events => _events;

    public void AddRecompute(
        RecomputeResult result,
        IReadOnlySet<long> touched,
        IReadOnlyDictionary<long, (long RawRecordId, CanonicalRecord Record)> payloads,
        string splitReason)
    {
        ArgumentNullException.ThrowIfNull(result);
        var groupOfClient = new Dictionary<Guid, IReadOnlyList<long>>();
        for (var g = 0; g < result.Assignment.GroupClients.Count; g++)
        {
            if (result.Assignment.GroupClients[g] is { } clientId)
            {
                groupOfClient[clientId] = result.Partition.Groups[g].RecordIds;
            }
        }
        IReadOnlyList<long> Group(Guid clientId) => groupOfClient.TryGetValue(clientId, out var ids) ? ids : [];

        foreach (var survivor in result.Assignment.MergedInto.Values.Distinct().Order())
        {
            var merged = result.Assignment.MergedInto.Where(m => m.Value == survivor).Select(m => m.Key).Order().ToList();
            var state = result.Clients[survivor];
            Add(Group(survivor), new ClientsMerged
            {
                WorkspaceId = workspaceId,
                CorrelationId = Guid.Empty,
                SurvivorClientId = survivor,
                SurvivorVersion = state.Version,
                MergedClientIds = merged,
                Reason = MergeReason(result, merged, Group(survivor)),
                MergedAt = now,
            });
        }

        foreach (var (from, moves) in result.Assignment.SplitMoves.OrderBy(s => s.Key))
        {
            var state = result.Clients[from];
            Add(moves.Select(m => m.RecordId).Concat(Group(from)), new ClientSplit
            {
                WorkspaceId = workspaceId,
                CorrelationId = Guid.Empty,
                ClientId = from,
                ClientVersion = state.Version,
                Moves = moves.Select(m =>
                {
                    var record = result.Records[m.RecordId];
                    return new SplitRecordMove
                    {
                        Source = record.Source,
                        EntityType = record.EntityType,
                        ExternalId = record.ExternalId,
                        RawRecordId = payloads.TryGetValue(m.RecordId, out var p) ? p.RawRecordId : record.RawRecordId,
                        ToClientId = m.To,
                        ToClientVersion = m.To is { } to ? result.Clients[to].Version : null,
                    };
                }).ToList(),
                Reason = splitReason,
                SplitAt = now,
            });
        }

        foreach (var client in result.Changed.OrderBy(c => c.Id))
        {
            Add(Group(client.Id), ClientUpdated(client, Guid.Empty));
        }

        foreach (var recordId in LinkedRecords(result, touched))
        {
            var placement = result.Partition.Placements[recordId];
            var client = result.Clients[result.Assignment.GroupClients[placement.Group]!.Value];
            var (raw, record) = payloads[recordId];
            Add([recordId], new RecordLinked
            {
                WorkspaceId = workspaceId,
                CorrelationId = Guid.Empty,
                ClientId = client.Id,
                ClientVersion = client.Version,
                RawRecordId = raw,
                Record = record,
            });
        }

        foreach (var conflict in result.NewConflicts)
        {
            Add(Group(conflict.ClientAId).Concat(Group(conflict.ClientBId)), new MergeConflictRecorded
            {
                WorkspaceId = workspaceId,
                CorrelationId = Guid.Empty,
                ConflictId = conflict.Id,
                ClientAId = conflict.ClientAId,
                ClientBId = conflict.ClientBId,
                IdentifierKind = conflict.Kind,
                IdentifierValue = conflict.Value,
                Rule = conflict.Rule,
                RecordedAt = now,
            });
        }
    }

    /// <summary>Records announced with RecordLinked: those that joined or moved to a client, and new versions of linked records.</summary>
    public static IReadOnlyList<long> LinkedRecords(RecomputeResult result, IReadOnlySet<long> touched)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(touched);
        return result.Assignment.Moves.Where(m => m.To is not null).Select(m => m.RecordId)
            .Concat(touched.Where(id => result.Partition.Placements.TryGetValue(id, out var p) && result.Assignment.GroupClients[p.Group] is not null))
            .Distinct()
            .Order()
            .ToList();
    }

    /// <summary>A replayed (or stale) message: the record and its client as they are now, nothing changed.</summary>
    public void AddCurrentState(int origin, ClientState client, long rawRecordId, CanonicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(client);
        _events.Add(new PendingEvent(origin, new RecordLinked
        {
            WorkspaceId = workspaceId,
            CorrelationId = correlations[origin],
            ClientId = client.Id,
            ClientVersion = client.Version,
            RawRecordId = rawRecordId,
            Record = record,
        }));
        _events.Add(new PendingEvent(origin, ClientUpdated(client, correlations[origin])));
    }

    public static ClientUpdated ClientUpdated(ClientState client, Guid correlationId)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ClientUpdated
        {
            WorkspaceId = client.WorkspaceId,
            CorrelationId = correlationId,
            ClientId = client.Id,
            Version = client.Version,
            Kind = client.Kind,
            DisplayName = client.DisplayName,
            PrimaryEmail = client.PrimaryEmail,
            PrimaryPhone = client.PrimaryPhone,
            Identifiers = client.Identifiers,
            RecordCount = client.RecordCount,
            UpdatedAt = client.UpdatedAt,
            Document = client.Document,
            FirstName = client.Field(GoldenFields.FirstName),
            LastName = client.Field(GoldenFields.LastName),
            City = client.Field(GoldenFields.City),
            State = client.Field(GoldenFields.State),
            Country = client.Field(GoldenFields.Country),
            CompanyName = client.Field(GoldenFields.CompanyName),
        };
    }

    private void Add(IEnumerable<long> records, object message)
    {
        var origin = records.Select(r => originOfRecord.TryGetValue(r, out var o) ? o : int.MaxValue).DefaultIfEmpty(int.MaxValue).Min();
        origin = origin == int.MaxValue ? 0 : origin;
        var correlation = correlations[origin];
        // Messages are immutable records: the correlation id is set once the origin is known.
        var withCorrelation = message switch
        {
            ClientsMerged m => m with { CorrelationId = correlation },
            ClientSplit m => m with { CorrelationId = correlation },
            ClientUpdated m => m with { CorrelationId = correlation },
            RecordLinked m => m with { CorrelationId = correlation },
            MergeConflictRecorded m => m with { CorrelationId = correlation },
            _ => message,
        };
        _events.Add(new PendingEvent(origin, withCorrelation));
    }

    /// <summary>The first accepted link that brought a merged client's records to the survivor's.</summary>
    private static string MergeReason(RecomputeResult result, IReadOnlyList<Guid> merged, IReadOnlyList<long> survivorGroup)
    {
        var inGroup = survivorGroup.ToHashSet();
        foreach (var link in result.Partition.Links)
        {
            if (!inGroup.Contains(link.RecordA) || !inGroup.Contains(link.RecordB))
            {
                continue;
            }
            var a = result.Records[link.RecordA].ClientId;
            var b = result.Records[link.RecordB].ClientId;
            if (a != b && ((a is { } ca && merged.Contains(ca)) || (b is { } cb && merged.Contains(cb))))
            {
                return link.DecisionId is { } decision ? $"operator decision {decision}" : $"shared {link.Kind} {link.Value}";
            }
        }
        return "their records now link";
    }
}
