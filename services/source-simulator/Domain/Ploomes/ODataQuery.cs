using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.SourceSimulator.Domain.Ploomes;

/// <summary>A query option the simulator cannot honour, with the message OData servers give.</summary>
internal sealed class ODataException : Exception
{
    public ODataException()
    {
    }

    public ODataException(string message) : base(message)
    {
    }

    public ODataException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>One <c>$filter</c> comparison: <c>Property op literal</c>.</summary>
internal sealed record ODataComparison(string Property, string Operator, object? Value);

/// <summary>One <c>$orderby</c> key.</summary>
internal sealed record ODataOrder(string Property, bool Descending);

/// <summary>An <c>$expand</c> item with its nested <c>$select</c> and <c>$expand</c>.</summary>
internal sealed class ODataExpand
{
    public Dictionary<string, ODataExpand> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string>? Select { get; set; }
}

/// <summary>
/// The subset of OData v4 Ploomes clients use: <c>$filter</c> as comparisons joined by <c>and</c> (eq, ne, gt, ge, lt,
/// le; numbers, quoted strings, ISO date-times, null, true/false), <c>$orderby</c>, <c>$select</c> and nested
/// <c>$expand</c> (<c>Contact($expand=Phones;$select=Id,Name)</c>).
/// </summary>
internal static partial class ODataQuery
{
    public static IReadOnlyList<ODataComparison> ParseFilter(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return [];
        }
        var comparisons = new List<ODataComparison>();
        foreach (var raw in SplitOnWord(filter.Trim(), "and"))
        {
            var clause = raw.Trim();
            while (clause.StartsWith('(') && clause.EndsWith(')'))
            {
                clause = clause[1..^1].Trim();
            }
            if (SplitOnWord(clause, "or").Count > 1)
            {
                throw new ODataException($"The simulator supports comparisons joined by 'and' only; '{clause}' uses 'or'.");
            }
            var match = Comparison().Match(clause);
            if (!match.Success)
            {
                throw new ODataException($"Syntax error in $filter near '{clause}': expected 'Property eq|ne|gt|ge|lt|le value'.");
            }
            comparisons.Add(new ODataComparison(match.Groups[1].Value, match.Groups[2].Value.ToLowerInvariant(), Literal(match.Groups[3].Value.Trim())));
        }
        return comparisons;
    }

    public static IReadOnlyList<ODataOrder> ParseOrderBy(string? orderBy)
    {
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            return [];
        }
        var orders = new List<ODataOrder>();
        foreach (var part in orderBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var descending = words.Length > 1 && words[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
            if (words.Length > 2 || (words.Length == 2 && !descending && !words[1].Equals("asc", StringComparison.OrdinalIgnoreCase)))
            {
                throw new ODataException($"Syntax error in $orderby near '{part}'.");
            }
            orders.Add(new ODataOrder(words[0], descending));
        }
        return orders;
    }

    public static HashSet<string>? ParseSelect(string? select) =>
        string.IsNullOrWhiteSpace(select)
            ? null
            : new HashSet<string>(select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);

    public static ODataExpand ParseExpand(string? expand, string? select = null)
    {
        var root = new ODataExpand { Select = ParseSelect(select) };
        if (!string.IsNullOrWhiteSpace(expand))
        {
            AddExpands(root, expand);
        }
        return root;
    }

    private static void AddExpands(ODataExpand parent, string expand)
    {
        foreach (var item in SplitTopLevel(expand, ','))
        {
            var open = item.IndexOf('(', StringComparison.Ordinal);
            var name = (open < 0 ? item : item[..open]).Trim();
            if (name.Length == 0)
            {
                throw new ODataException($"Syntax error in $expand near '{expand}'.");
            }
            var child = new ODataExpand();
            if (open >= 0)
            {
                if (!item.EndsWith(')'))
                {
                    throw new ODataException($"Syntax error in $expand near '{item}': missing ')'.");
                }
                foreach (var option in SplitTopLevel(item[(open + 1)..^1], ';'))
                {
                    var eq = option.IndexOf('=', StringComparison.Ordinal);
                    var key = eq < 0 ? option : option[..eq].Trim();
                    var value = eq < 0 ? "" : option[(eq + 1)..].Trim();
                    if (key.Equals("$expand", StringComparison.OrdinalIgnoreCase))
                    {
                        AddExpands(child, value);
                    }
                    else if (key.Equals("$select", StringComparison.OrdinalIgnoreCase))
                    {
                        child.Select = ParseSelect(value);
                    }
                    else
                    {
                        throw new ODataException($"The query option '{key}' is not supported inside $expand by the simulator.");
                    }
                }
            }
            parent.Children[name] = child;
        }
    }

    /// <summary>Splits on a whole word (" and ") outside quoted strings.</summary>
    private static List<string> SplitOnWord(string value, string word)
    {
        var parts = new List<string>();
        var inQuote = false;
        var start = 0;
        var token = $" {word} ";
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\'')
            {
                inQuote = !inQuote;
            }
            else if (!inQuote && char.IsWhiteSpace(value[i]) && i + token.Length <= value.Length
                && string.Compare(value, i, token, 0, token.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                parts.Add(value[start..i]);
                start = i + token.Length;
                i = start - 1;
            }
        }
        parts.Add(value[start..]);
        return parts;
    }

    private static List<string> SplitTopLevel(string value, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '(')
            {
                depth++;
            }
            else if (value[i] == ')')
            {
                depth--;
            }
            else if (value[i] == separator && depth == 0)
            {
                parts.Add(value[start..i].Trim());
                start = i + 1;
            }
        }
        parts.Add(value[start..].Trim());
        return parts.Where(p => p.Length > 0).ToList();
    }

    private static object? Literal(string text)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            var inner = text[1..^1].Replace("''", "'", StringComparison.Ordinal);
            // Clients sometimes quote date-times; compare them as dates then.
            return IsoDate().IsMatch(inner) ? ParseDate(inner) : inner;
        }
        if (text.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return text.Equals("true", StringComparison.OrdinalIgnoreCase);
        }
        if (IsoDate().IsMatch(text))
        {
            return ParseDate(text);
        }
        if (decimal.TryParse(text.TrimEnd('m', 'M', 'L', 'l'), NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }
        throw new ODataException($"'{text}' is not a valid OData literal (numbers, 'quoted strings', ISO date-times, null, true, false).");
    }

    private static DateTimeOffset ParseDate(string text)
    {
        // An unescaped '+' in a query string arrives as a space: "2024-01-01T00:00:00 03:00".
        var fixedText = OffsetWithSpace().Replace(text, "+$1");
        if (DateTimeOffset.TryParse(fixedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return date;
        }
        throw new ODataException($"'{text}' is not a valid date-time; use ISO 8601, e.g. 2024-05-01T00:00:00Z or 2024-05-01T00:00:00-03:00.");
    }

    /// <summary>Compares a property value with a literal; null when the types cannot be compared.</summary>
    public static int? Compare(object? value, object? literal)
    {
        if (value is null || literal is null)
        {
            return value is null && literal is null ? 0 : null;
        }
        return (value, literal) switch
        {
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
            (bool a, bool b) => a.CompareTo(b),
            (long a, decimal b) => ((decimal)a).CompareTo(b),
            (int a, decimal b) => ((decimal)a).CompareTo(b),
            (decimal a, decimal b) => a.CompareTo(b),
            _ => throw new ODataException($"A binary operator with incompatible types was detected: '{value.GetType().Name}' and '{literal.GetType().Name}'."),
        };
    }

    /// <summary>Orders two values of one property (nulls first, as SQL Server does).</summary>
    public static int CompareForSort(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (long x, long y) => x.CompareTo(y),
        (int x, int y) => x.CompareTo(y),
        (decimal x, decimal y) => x.CompareTo(y),
        (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
        (string x, string y) => string.Compare(x, y, StringComparison.OrdinalIgnoreCase),
        (bool x, bool y) => x.CompareTo(y),
        _ => 0,
    };

    public static bool Matches(object? value, ODataComparison comparison)
    {
        var result = Compare(value, comparison.Value);
        return comparison.Operator switch
        {
            "eq" => result == 0,
            "ne" => result != 0,
            "gt" => result > 0,
            "ge" => result >= 0,
            "lt" => result < 0,
            "le" => result <= 0,
            _ => false,
        };
    }

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\s+(eq|ne|gt|ge|lt|le)\s+(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Comparison();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+\- ]\d{2}:?\d{2})?$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@" (\d{2}:?\d{2})$")]
    private static partial Regex OffsetWithSpace();
}
