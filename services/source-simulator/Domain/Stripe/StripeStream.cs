namespace Platform.SourceSimulator.Domain.Stripe;

/// <summary>Bounds and cursor of a Stripe list request (already validated).</summary>
internal sealed record StripeListQuery(
    int Limit,
    string? StartingAfter,
    string? EndingBefore,
    long? CreatedGte,
    long? CreatedGt,
    long? CreatedLte,
    long? CreatedLt,
    Func<StripeObject, bool>? Filter);

/// <summary>One stream's objects, oldest first (Stripe lists them newest first), with an index by id.</summary>
internal sealed class StripeStream<T> where T : StripeObject
{
    private readonly List<T> _items = [];
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    public IReadOnlyList<T> Items => _items;

    public T this[int index] => _items[index];

    /// <summary>Adds all at once and sorts (generation).</summary>
    public void Load(IEnumerable<T> items)
    {
        _items.AddRange(items);
        // A stable sort on created keeps generation order for ties, so the order is the same in every run.
        var sorted = _items.Select((item, i) => (item, i)).OrderBy(x => x.item.Created).ThenBy(x => x.i).Select(x => x.item).ToList();
        _items.Clear();
        _items.AddRange(sorted);
        _positions.Clear();
        for (var i = 0; i < _items.Count; i++)
        {
            _positions[_items[i].Id] = i;
        }
    }

    /// <summary>Appends an object created now; never older than the newest one, so the order holds.</summary>
    public void Append(T item)
    {
        if (_items.Count > 0 && item.Created < _items[^1].Created)
        {
            item.Created = _items[^1].Created;
        }
        _positions[item.Id] = _items.Count;
        _items.Add(item);
    }

    public T? Find(string id) => _positions.TryGetValue(id, out var position) ? _items[position] : null;

    /// <summary>
    /// A page, newest first. <c>starting_after</c> continues towards older objects; <c>ending_before</c> gives the
    /// objects just newer than the cursor (still newest first), and <c>has_more</c> then says whether even newer exist.
    /// </summary>
    public (List<T> Page, bool HasMore)? Page(StripeListQuery query)
    {
        var lo = 0;
        var hi = _items.Count;
        if (query.CreatedGte is { } gte)
        {
            lo = Math.Max(lo, LowerBound(gte));
        }
        if (query.CreatedGt is { } gt)
        {
            lo = Math.Max(lo, LowerBound(gt + 1));
        }
        if (query.CreatedLte is { } lte)
        {
            hi = Math.Min(hi, LowerBound(lte + 1));
        }
        if (query.CreatedLt is { } lt)
        {
            hi = Math.Min(hi, LowerBound(lt));
        }
        var page = new List<T>(query.Limit);
        var hasMore = false;
        if (query.EndingBefore is { } before)
        {
            if (!_positions.TryGetValue(before, out var position))
            {
                return null;
            }
            for (var i = Math.Max(lo, position + 1); i < hi; i++)
            {
                if (query.Filter is null || query.Filter(_items[i]))
                {
                    if (page.Count == query.Limit)
                    {
                        hasMore = true;
                        break;
                    }
                    page.Add(_items[i]);
                }
            }
            page.Reverse();
            return (page, hasMore);
        }
        var start = hi - 1;
        if (query.StartingAfter is { } after)
        {
            if (!_positions.TryGetValue(after, out var position))
            {
                return null;
            }
            start = Math.Min(start, position - 1);
        }
        for (var i = start; i >= lo; i--)
        {
            if (query.Filter is null || query.Filter(_items[i]))
            {
                if (page.Count == query.Limit)
                {
                    hasMore = true;
                    break;
                }
                page.Add(_items[i]);
            }
        }
        return (page, hasMore);
    }

    /// <summary>First position whose created is at least <paramref name="created"/>.</summary>
    private int LowerBound(long created)
    {
        int lo = 0, hi = _items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_items[mid].Created < created)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
