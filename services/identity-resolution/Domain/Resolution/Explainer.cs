namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>One step of a chain between two records: a shared value, or an operator decision.</summary>
internal sealed record ExplainStep(long From, long To, string? Kind, string? Value, long? DecisionId);

/// <summary>Why two records are in the same client, or why not.</summary>
internal sealed record Explanation(bool Together, string Summary, IReadOnlyList<ExplainStep> Chain, IReadOnlyList<Refusal> Refusals);

/// <summary>Explains a partition for two of its records (pure: the partition is recomputed, never stored links).</summary>
internal static class Explainer
{
    public static Explanation Explain(PartitionResult partition, IReadOnlyList<PartitionRecord> records, long a, long b)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(records);
        var groupA = partition.Placements[a].Group;
        var groupB = partition.Placements[b].Group;
        if (groupA == groupB)
        {
            var chain = Path(partition.Links.Select(l => new ExplainStep(l.RecordA, l.RecordB, l.Kind, l.Value, l.DecisionId)), a, b);
            var summary = a == b ? "It is the same record."
                : $"Together: linked in {chain.Count} step(s) through " +
                  string.Join(", then ", chain.Select(s => s.DecisionId is { } d ? $"operator decision {d}" : $"{s.Kind} {s.Value}")) + ".";
            return new Explanation(true, summary, chain, []);
        }

        // Not together: show how they are connected through shared values, and which links were refused.
        var shared = new List<ExplainStep>();
        var natures = records.ToDictionary(r => r.Id, RecordClassifier.Nature);
        foreach (var holders in records
                     .SelectMany(r => r.Identifiers.Where(i => RecordClassifier.Links(i, natures[r.Id])).Select(i => (i.Kind, i.Value, r.Id)))
                     .GroupBy(x => (x.Kind, x.Value)))
        {
            var ids = holders.Select(h => h.Id).Distinct().Order().ToList();
            for (var i = 1; i < ids.Count; i++)
            {
                shared.Add(new ExplainStep(ids[0], ids[i], holders.Key.Kind, holders.Key.Value, null));
            }
        }
        var connection = Path(shared, a, b);
        var refusals = partition.Refusals.Where(r => (r.GroupA == groupA && r.GroupB == groupB) || (r.GroupA == groupB && r.GroupB == groupA)).ToList();
        if (refusals.Count == 0)
        {
            refusals = partition.Refusals.Where(r => r.GroupA is var x && r.GroupB is var y && (x == groupA || y == groupA || x == groupB || y == groupB)).ToList();
        }
        var why = refusals.Count == 0 ? "" : " Refused: " + string.Join("; ", refusals.Select(r => $"{r.Kind} {r.Value}: {r.Rule}")) + ".";
        return new Explanation(false, connection.Count == 0
            ? "Apart: no chain of shared identifiers connects them."
            : $"Apart: they are connected through {string.Join(", then ", connection.Select(s => $"{s.Kind} {s.Value}"))}, but a link on the way was refused." + why,
            connection, refusals);
    }

    /// <summary>The shortest chain of steps from <paramref name="a"/> to <paramref name="b"/> (steps are undirected).</summary>
    private static List<ExplainStep> Path(IEnumerable<ExplainStep> steps, long a, long b)
    {
        var adjacent = new Dictionary<long, List<ExplainStep>>();
        foreach (var step in steps)
        {
            (adjacent.TryGetValue(step.From, out var f) ? f : adjacent[step.From] = []).Add(step);
            (adjacent.TryGetValue(step.To, out var t) ? t : adjacent[step.To] = []).Add(step with { From = step.To, To = step.From });
        }
        var cameBy = new Dictionary<long, ExplainStep?> { [a] = null };
        var queue = new Queue<long>([a]);
        while (queue.Count > 0 && !cameBy.ContainsKey(b))
        {
            var at = queue.Dequeue();
            foreach (var step in adjacent.GetValueOrDefault(at) ?? [])
            {
                if (cameBy.TryAdd(step.To, step))
                {
                    queue.Enqueue(step.To);
                }
            }
        }
        var path = new List<ExplainStep>();
        if (!cameBy.ContainsKey(b))
        {
            return path;
        }
        for (var at = b; cameBy[at] is { } step; at = step.From)
        {
            path.Add(step);
        }
        path.Reverse();
        return path;
    }
}
