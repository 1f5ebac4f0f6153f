using System.Globalization;
using System.Text.Json;

namespace Platform.Connectors.Json;

/// <summary>
/// An amount read from a vendor field: a value, nothing (the field is absent or null), or a problem (the field holds
/// something that is not unambiguously an amount). A mapping that meets a problem stages the record without money
/// and flags it (<see cref="MoneyReader.FlagAttribute"/>), never a guess.
/// </summary>
public readonly record struct MoneyValue(decimal? Amount, string? Problem)
{
    public bool HasProblem => Problem is not null;
}

/// <summary>
/// The one reader of money amounts for every mapping. A JSON number is taken as it is. A string is read only when
/// its notation has one meaning: digits with an optional sign; one separator (<c>.</c> or <c>,</c>) followed by one,
/// two or more than three digits is the decimal separator (<c>"10,50"</c> is 10.50, never 1050); thousands groups of
/// three digits are accepted only when the other separator then marks the decimals (<c>"1.234,56"</c>,
/// <c>"1,234.56"</c>) or the same separator repeats (<c>"1.234.567"</c>). <c>"1,500"</c> (one and a half, or
/// fifteen hundred?), currency symbols, spaces inside and anything else are problems.
/// </summary>
public static class MoneyReader
{
    /// <summary>Attribute a mapping sets on a record whose amount could not be read (the value says which field and what it held).</summary>
    public const string FlagAttribute = "money_unreadable";

    /// <summary>Reads <paramref name="name"/> of <paramref name="obj"/>.</summary>
    public static MoneyValue Read(JsonElement obj, string name)
    {
        if (JsonFields.Field(obj, name) is not { } value)
        {
            return default;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDecimal(out var number) ? new MoneyValue(number, null)
                : new MoneyValue(null, $"{name}: {value.GetRawText()} is out of range"),
            JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? default : Named(name, Parse(value.GetString()!)),
            _ => new MoneyValue(null, $"{name}: a {value.ValueKind.ToString().ToLowerInvariant()} is not an amount"),
        };
    }

    /// <summary>Reads an amount written as text (see the class remarks for what is accepted).</summary>
    public static MoneyValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var body = s.StartsWith('-') || s.StartsWith('+') ? s[1..] : s;
        if (body.Length == 0 || !body.All(c => char.IsAsciiDigit(c) || c is '.' or ','))
        {
            return Unreadable(text);
        }
        var dots = body.Count(c => c == '.');
        var commas = body.Count(c => c == ',');
        string? integer, fraction;
        if (dots + commas == 0)
        {
            (integer, fraction) = (body, null);
        }
        else if (dots > 0 && commas > 0)
        {
            // Both marks: the last one is the decimal separator and may appear once; the other groups thousands.
            var last = body.LastIndexOfAny(['.', ',']);
            var decimalMark = body[last];
            if ((decimalMark == '.' ? dots : commas) != 1)
            {
                return Unreadable(text);
            }
            integer = Ungroup(body[..last], decimalMark == '.' ? ',' : '.');
            fraction = body[(last + 1)..];
        }
        else
        {
            var mark = dots > 0 ? '.' : ',';
            var count = dots + commas;
            var at = body.IndexOf(mark, StringComparison.Ordinal);
            var after = body.Length - at - 1;
            if (count > 1)
            {
                // The same mark several times can only group thousands.
                (integer, fraction) = (Ungroup(body, mark), null);
            }
            else if (after == 3)
            {
                return Unreadable(text); // "1,500": a decimal or a thousands separator?
            }
            else
            {
                (integer, fraction) = (body[..at], body[(at + 1)..]);
            }
        }
        if (string.IsNullOrEmpty(integer) || fraction is { Length: 0 } || !integer.All(char.IsAsciiDigit)
            || (fraction is not null && !fraction.All(char.IsAsciiDigit)))
        {
            return Unreadable(text);
        }
        var normalized = (s.StartsWith('-') ? "-" : "") + integer + (fraction is null ? "" : "." + fraction);
        return decimal.TryParse(normalized, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            ? new MoneyValue(amount, null)
            : Unreadable(text);
    }

    /// <summary>Digits grouped by <paramref name="mark"/> in threes (the first group 1–3 digits), without the marks; null when the grouping is wrong.</summary>
    private static string? Ungroup(string grouped, char mark)
    {
        var groups = grouped.Split(mark);
        if (groups[0].Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3))
        {
            return null;
        }
        return string.Concat(groups);
    }

    private static MoneyValue Unreadable(string text) =>
        new(null, $"'{(text.Length > 40 ? text[..40] + "…" : text)}' is not an unambiguous amount");

    private static MoneyValue Named(string name, MoneyValue value) =>
        value.HasProblem ? value with { Problem = $"{name}: {value.Problem}" } : value;
}
