using System.Globalization;
using Platform.Contracts.Records;

namespace Platform.Connectors.Csv.Mapping;

/// <summary>Collects what a row says about a person before it becomes a canonical record.</summary>
internal sealed class CanonicalBuilder
{
    private readonly List<Identifier> _identifiers = [];
    private readonly Dictionary<string, string?> _attributes = new(StringComparer.Ordinal);

    public IReadOnlyList<Identifier> Identifiers => _identifiers;

    public Dictionary<string, string?> Attributes => _attributes;

    public CanonicalBuilder Identifier(string kind, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !_identifiers.Any(i => i.Kind == kind && i.Value == value))
        {
            _identifiers.Add(new Identifier(kind, value.Trim()));
        }
        return this;
    }

    /// <summary>A CPF (11 digits) or CNPJ (14 digits) written any way; other lengths are kept as an attribute.</summary>
    public CanonicalBuilder Document(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return this;
        }
        var digits = new string([.. value.Where(char.IsAsciiDigit)]);
        return digits.Length switch
        {
            11 => Identifier(IdentifierKinds.Cpf, value),
            14 => Identifier(IdentifierKinds.Cnpj, value),
            _ => Attribute("document", value),
        };
    }

    /// <summary>Several emails or phones in one cell, separated by commas, semicolons, slashes or spaces.</summary>
    public CanonicalBuilder Several(string kind, string? values)
    {
        if (string.IsNullOrWhiteSpace(values))
        {
            return this;
        }
        var separators = kind == IdentifierKinds.Email ? new[] { ',', ';', ' ', '/' } : new[] { ',', ';', '/' };
        foreach (var value in values.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Identifier(kind, value);
        }
        return this;
    }

    public CanonicalBuilder Attribute(string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            _attributes[name] = value.Trim();
        }
        return this;
    }

    public CanonicalBuilder Attribute(string name, decimal? value) =>
        value is { } v ? Attribute(name, v.ToString(CultureInfo.InvariantCulture)) : this;

    public CanonicalBuilder Attribute(string name, DateTimeOffset? value) =>
        value is { } v ? Attribute(name, v.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)) : this;

    public CanonicalBuilder Attribute(string name, bool? value) =>
        value is { } v ? Attribute(name, v ? "true" : "false") : this;

    /// <summary>Tags as a comma-separated list, trimmed, without empties or repeats.</summary>
    public static string? Tags(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? null
            : string.Join(", ", value.Split([',', ';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase));

    public static PersonFields? Person(string? fullName, string? first, string? last, string? city = null, string? state = null,
        string? country = null)
    {
        if (fullName is null && first is null && last is null && city is null && state is null && country is null)
        {
            return null;
        }
        fullName ??= first is null && last is null ? null : string.Join(' ', new[] { first, last }.Where(p => p is not null));
        return new PersonFields { FullName = fullName, FirstName = first, LastName = last, City = city, State = state, Country = country };
    }
}
