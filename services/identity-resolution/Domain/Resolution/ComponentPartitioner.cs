using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>
/// Partitions a set of records into clients. The result is a function of the records, the operator decisions
/// and the rules only: records are put in a canonical order (source, entity type, external id) and links are
/// tried in a fixed order (operator merges first, then identifier kinds by priority, values in ordinal order,
/// each value's records in canonical order, each joining the first cluster holding the value that accepts it),
/// so any arrival order, batching or concurrency gives the same partition.
/// </summary>
/// <remarks>
/// A link through kind K is refused when the merged client would have more distinct values of K, or of a
/// kind above K, than that kind's limit allows and more than either side already had (so kinds below K may
/// exceed their limits: one Stripe customer with two emails is one client, and a record with either email
/// joins it). Two exceptions, because they name people: the CPF limit holds whatever the linking kind (two
/// different valid CPFs are two people, even with one phone or email), and a link through an email is not
/// refused by the stripe_customer_id limit when both sides carry one and the same name (Stripe Checkout makes
/// a new customer per purchase: same email and same name is the same person). A person and a company never
/// merge, a CNPJ links only company records, and operator decisions to keep records apart are honoured before
/// any rule.
/// </remarks>
internal static class ComponentPartitioner
{
    public static PartitionResult Partition(
        IReadOnlyList<PartitionRecord> records, IReadOnlyList<PartitionDecision> decisions, ResolutionRules rules)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(rules);

        var ordered = records
            .OrderBy(r => r.Source, StringComparer.Ordinal)
            .ThenBy(r => r.EntityType, StringComparer.Ordinal)
            .ThenBy(r => r.ExternalId, StringComparer.Ordinal)
            .ThenBy(r => r.Id)
            .ToArray();
        var index = new Dictionary<long, int>(ordered.Length);
        for (var i = 0; i < ordered.Length; i++)
        {
            index[ordered[i].Id] = i;
        }
        var natures = ordered.Select(RecordClassifier.Nature).ToArray();
        var clusters = new Clusters(ordered, natures, decisions, index);
        var refusals = new List<(int A, int B, string Kind, string Value, string Rule, bool ByDecision)>();
        var links = new List<Link>();

        foreach (var decision in decisions.OrderBy(d => d.Id))
        {
            var together = decision.Kind switch
            {
                DecisionKind.Merge => decision.SideA.Concat(decision.SideB),
                DecisionKind.Split => decision.SideA,
                _ => [],
            };
            var members = together.Where(index.ContainsKey).Select(id => index[id]).Distinct().Order().ToList();
            for (var i = 1; i < members.Count; i++)
            {
                if (clusters.Union(members[0], members[i]))
                {
                    links.Add(new Link(ordered[members[0]].Id, ordered[members[i]].Id, null, null, decision.Id));
                }
            }
        }

        foreach (var ((kind, value), holders) in ValuesInLinkOrder(ordered, natures))
        {
            // First fit: each holder joins the first earlier cluster holding the value that accepts it. A refusal
            // by the first holder's cluster is recorded (one conflict per other client, not one per pair);
            // refusals by operator decisions are recorded too, for explain.
            var first = holders[0];
            var clustersOfValue = new List<int> { first };
            for (var i = 1; i < holders.Count; i++)
            {
                var other = holders[i];
                var root = clusters.Find(other);
                if (clustersOfValue.Any(rep => clusters.Find(rep) == root))
                {
                    continue;
                }
                var joined = false;
                foreach (var rep in clustersOfValue)
                {
                    if (clusters.Refuse(rep, other, kind, rules) is { } refusal)
                    {
                        if (rep == first || refusal.ByDecision)
                        {
                            refusals.Add((rep, other, kind, value, refusal.Rule, refusal.ByDecision));
                        }
                        continue;
                    }
                    clusters.Union(rep, other);
                    links.Add(new Link(ordered[rep].Id, ordered[other].Id, kind, value, null));
                    joined = true;
                    break;
                }
                if (!joined)
                {
                    clustersOfValue.Add(other);
                }
            }
        }

        return Build(ordered, natures, clusters, refusals, links, rules);
    }

    /// <summary>Each linking value with the records holding it (canonical order), in the order links are tried.</summary>
    private static IEnumerable<KeyValuePair<(string Kind, string Value), List<int>>> ValuesInLinkOrder(
        PartitionRecord[] ordered, RecordNature[] natures)
    {
        var holders = new Dictionary<(string Kind, string Value), List<int>>();
        for (var i = 0; i < ordered.Length; i++)
        {
            foreach (var identifier in ordered[i].Identifiers)
            {
                if (!RecordClassifier.Links(identifier, natures[i]))
                {
                    continue;
                }
                var key = (identifier.Kind, identifier.Value);
                if (!holders.TryGetValue(key, out var list))
                {
                    holders[key] = list = [];
                }
                if (list.Count == 0 || list[^1] != i)
                {
                    list.Add(i);
                }
            }
        }
        return holders
            .Where(h => h.Value.Count > 1)
            .OrderBy(h => IdentifierKindRules.Priority(h.Key.Kind))
            .ThenBy(h => IdentifierKindRules.Order(h.Key.Kind))
            .ThenBy(h => h.Key.Value, StringComparer.Ordinal);
    }

    private static PartitionResult Build(
        PartitionRecord[] ordered,
        RecordNature[] natures,
        Clusters clusters,
        List<(int A, int B, string Kind, string Value, string Rule, bool ByDecision)> refusals,
        List<Link> links,
        ResolutionRules rules)
    {
        var groupOfRoot = new Dictionary<int, int>();
        var members = new List<List<int>>();
        for (var i = 0; i < ordered.Length; i++)
        {
            var root = clusters.Find(i);
            if (!groupOfRoot.TryGetValue(root, out var group))
            {
                groupOfRoot[root] = group = members.Count;
                members.Add([]);
            }
            members[group].Add(i);
        }

        var groups = new List<PartitionGroup>(members.Count);
        var placements = new Dictionary<long, RecordPlacement>(ordered.Length);
        for (var g = 0; g < members.Count; g++)
        {
            var isClient = members[g].Any(i => RecordClassifier.CanAnchor(ordered[i], natures[i], rules));
            var kind = members[g].Any(i => natures[i] == RecordNature.Company) ? ClientKinds.Company : ClientKinds.Person;
            groups.Add(new PartitionGroup(members[g].Select(i => ordered[i].Id).ToList(), isClient, kind));
            foreach (var i in members[g])
            {
                var (status, reason) = isClient ? (RecordStatuses.Linked, null) : RecordClassifier.Unlinked(ordered[i]);
                placements[ordered[i].Id] = new RecordPlacement(g, status, reason);
            }
        }

        var seen = new HashSet<(int, int, string, string)>();
        var finalRefusals = new List<Refusal>();
        foreach (var (a, b, kind, value, rule, byDecision) in refusals)
        {
            var groupA = groupOfRoot[clusters.Find(a)];
            var groupB = groupOfRoot[clusters.Find(b)];
            if (groupA == groupB || !seen.Add((Math.Min(groupA, groupB), Math.Max(groupA, groupB), kind, value)))
            {
                continue;
            }
            finalRefusals.Add(new Refusal(groupA, groupB, ordered[a].Id, ordered[b].Id, kind, value, rule, byDecision));
        }
        return new PartitionResult(groups, placements, finalRefusals, links);
    }

    /// <summary>Union-find over record positions, with what each cluster holds: limited values, natures, decision sides.</summary>
    private sealed class Clusters
    {
        private static readonly int KindCount = IdentifierKindRules.LimitedKinds.Count;
        private readonly int[] _parent;
        private readonly int[] _size;
        private readonly HashSet<string>?[][] _values;
        private readonly bool[] _person;
        private readonly bool[] _company;
        private readonly Dictionary<long, int>?[] _sides;
        private readonly HashSet<string>?[] _names;

        public Clusters(PartitionRecord[] ordered, RecordNature[] natures, IReadOnlyList<PartitionDecision> decisions, Dictionary<long, int> index)
        {
            var n = ordered.Length;
            _parent = new int[n];
            _size = new int[n];
            _values = new HashSet<string>?[n][];
            _person = new bool[n];
            _company = new bool[n];
            _sides = new Dictionary<long, int>?[n];
            _names = new HashSet<string>?[n];
            for (var i = 0; i < n; i++)
            {
                _parent[i] = i;
                _size[i] = 1;
                _values[i] = new HashSet<string>?[KindCount];
                _person[i] = natures[i] == RecordNature.Person;
                _company[i] = natures[i] == RecordNature.Company;
                if (NameKey.Of(ordered[i].Name) is { } name)
                {
                    _names[i] = new HashSet<string>(StringComparer.Ordinal) { name };
                }
                foreach (var identifier in ordered[i].Identifiers)
                {
                    var k = LimitedIndex(identifier.Kind);
                    if (k >= 0 && RecordClassifier.Links(identifier, natures[i]))
                    {
                        (_values[i][k] ??= new HashSet<string>(StringComparer.Ordinal)).Add(identifier.Value);
                    }
                }
            }
            foreach (var decision in decisions.Where(d => d.Kind is DecisionKind.KeepApart or DecisionKind.Split))
            {
                Mark(decision.Id, decision.SideA, 1, index);
                Mark(decision.Id, decision.SideB, 2, index);
            }
        }

        private void Mark(long decision, IReadOnlyList<long> side, int flag, Dictionary<long, int> index)
        {
            foreach (var id in side)
            {
                if (index.TryGetValue(id, out var i))
                {
                    var sides = _sides[i] ??= [];
                    sides[decision] = sides.GetValueOrDefault(decision) | flag;
                }
            }
        }

        public int Find(int i)
        {
            while (_parent[i] != i)
            {
                _parent[i] = _parent[_parent[i]];
                i = _parent[i];
            }
            return i;
        }

        /// <summary>Why a link through <paramref name="kind"/> between the clusters of a and b is refused; null when allowed.</summary>
        public (string Rule, bool ByDecision)? Refuse(int a, int b, string kind, ResolutionRules rules)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ApartBy(ra, rb) is { } decision)
            {
                return ($"kept apart by operator decision {decision}", true);
            }
            if ((_person[ra] && _company[rb]) || (_company[ra] && _person[rb]))
            {
                return ("a person and a company are never merged", false);
            }
            var priority = IdentifierKindRules.Priority(kind);
            for (var k = 0; k < KindCount; k++)
            {
                var limitedKind = IdentifierKindRules.LimitedKinds[k];
                if (IdentifierKindRules.Priority(limitedKind) > priority && limitedKind != IdentifierKinds.Cpf)
                {
                    continue;
                }
                if (limitedKind == IdentifierKinds.StripeCustomerId && kind == IdentifierKinds.Email && SameSingleName(ra, rb))
                {
                    continue;
                }
                var limit = rules.LimitOf(limitedKind);
                var va = _values[ra][k];
                var vb = _values[rb][k];
                var countA = va?.Count ?? 0;
                var countB = vb?.Count ?? 0;
                if (countA + countB <= limit || va is null || vb is null)
                {
                    continue;
                }
                var together = countA + vb.Count(v => !va.Contains(v));
                if (together > limit && together > Math.Max(countA, countB))
                {
                    var sample = va.Concat(vb).Distinct().Order(StringComparer.Ordinal).Take(4);
                    return ($"{limitedKind} limit {limit}: together they would have {together} ({string.Join(", ", sample)})", false);
                }
            }
            return null;
        }

        /// <summary>Whether both clusters carry exactly one name, and the same one.</summary>
        private bool SameSingleName(int ra, int rb) =>
            _names[ra] is { Count: 1 } na && _names[rb] is { Count: 1 } nb && na.SetEquals(nb);

        private long? ApartBy(int ra, int rb)
        {
            var sa = _sides[ra];
            var sb = _sides[rb];
            if (sa is null || sb is null)
            {
                return null;
            }
            foreach (var (decision, flagsA) in sa.OrderBy(s => s.Key))
            {
                if (sb.TryGetValue(decision, out var flagsB)
                    && (((flagsA & 1) != 0 && (flagsB & 2) != 0) || ((flagsA & 2) != 0 && (flagsB & 1) != 0)))
                {
                    return decision;
                }
            }
            return null;
        }

        /// <summary>Joins the clusters of a and b (no rule checked); false when already one.</summary>
        public bool Union(int a, int b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra == rb)
            {
                return false;
            }
            if (_size[ra] < _size[rb])
            {
                (ra, rb) = (rb, ra);
            }
            _parent[rb] = ra;
            _size[ra] += _size[rb];
            _person[ra] |= _person[rb];
            _company[ra] |= _company[rb];
            for (var k = 0; k < KindCount; k++)
            {
                if (_values[rb][k] is { } moved)
                {
                    if (_values[ra][k] is { } kept)
                    {
                        kept.UnionWith(moved);
                    }
                    else
                    {
                        _values[ra][k] = moved;
                    }
                }
            }
            if (_names[rb] is { } movedNames)
            {
                if (_names[ra] is { } keptNames)
                {
                    keptNames.UnionWith(movedNames);
                }
                else
                {
                    _names[ra] = movedNames;
                }
            }
            if (_sides[rb] is { } movedSides)
            {
                var keptSides = _sides[ra] ??= [];
                foreach (var (decision, flags) in movedSides)
                {
                    keptSides[decision] = keptSides.GetValueOrDefault(decision) | flags;
                }
            }
            return true;
        }

        private static int LimitedIndex(string kind) => kind switch
        {
            IdentifierKinds.StripeCustomerId => 0,
            IdentifierKinds.Email => 1,
            IdentifierKinds.Phone => 2,
            IdentifierKinds.Cpf => 3,
            IdentifierKinds.Cnpj => 4,
            _ => -1,
        };
    }
}
