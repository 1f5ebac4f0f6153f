using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>The person and company fields one record offers to the golden record (trimmed, blanks dropped).</summary>
internal sealed record RecordFields
{
    public string? Name { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public string? Country { get; init; }
    public string? CompanyName { get; init; }
    public string? LegalName { get; init; }

    public static RecordFields From(CanonicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var first = Clean(record.Person?.FirstName);
        var last = Clean(record.Person?.LastName);
        return new RecordFields
        {
            Name = Clean(record.Person?.FullName) ?? Clean($"{first} {last}"),
            FirstName = first,
            LastName = last,
            City = Clean(record.Person?.City),
            State = Clean(record.Person?.State),
            Country = Clean(record.Person?.Country)?.ToUpperInvariant(),
            CompanyName = Clean(record.Company?.Name),
            LegalName = Clean(record.Company?.LegalName),
        };
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One record's contribution to a golden record.</summary>
internal sealed record GoldenSource(
    long RecordId,
    string Source,
    string EntityType,
    string ExternalId,
    DateTimeOffset SourceUpdatedAt,
    RecordFields Fields,
    IReadOnlyList<PartitionIdentifier> Identifiers);

/// <summary>A golden-record field and its lineage: the record it came from.</summary>
internal sealed record GoldenValue(string Value, long RecordId, string Source, string ExternalId, DateTimeOffset SourceUpdatedAt);

/// <summary>
/// Builds a client's golden record: for each field the value from the most preferred source for that field,
/// ties broken by the most recent source update (then the canonical record order, so it is deterministic).
/// </summary>
internal static class GoldenRecordBuilder
{
    public static SortedDictionary<string, GoldenValue> Build(IReadOnlyList<GoldenSource> sources, string clientKind, ResolutionRules rules)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(rules);
        var documentKind = clientKind == ClientKinds.Company ? IdentifierKinds.Cnpj : IdentifierKinds.Cpf;
        var golden = new SortedDictionary<string, GoldenValue>(StringComparer.Ordinal);
        Pick(golden, GoldenFields.Name, sources, s => Single(s.Fields.Name), rules);
        Pick(golden, GoldenFields.FirstName, sources, s => Single(s.Fields.FirstName), rules);
        Pick(golden, GoldenFields.LastName, sources, s => Single(s.Fields.LastName), rules);
        Pick(golden, GoldenFields.Email, sources, s => Usable(s, IdentifierKinds.Email), rules);
        Pick(golden, GoldenFields.Phone, sources, s => Usable(s, IdentifierKinds.Phone), rules);
        Pick(golden, GoldenFields.Document, sources, s => Usable(s, documentKind), rules);
        Pick(golden, GoldenFields.City, sources, s => Single(s.Fields.City), rules);
        Pick(golden, GoldenFields.State, sources, s => Single(s.Fields.State), rules);
        Pick(golden, GoldenFields.Country, sources, s => Single(s.Fields.Country), rules);
        Pick(golden, GoldenFields.CompanyName, sources, s => Single(s.Fields.CompanyName), rules);
        Pick(golden, GoldenFields.LegalName, sources, s => Single(s.Fields.LegalName), rules);
        return golden;
    }

    /// <summary>The name a person reads in lists: a company's trade name, a person's name.</summary>
    public static string? DisplayName(IReadOnlyDictionary<string, GoldenValue> golden, string clientKind)
    {
        ArgumentNullException.ThrowIfNull(golden);
        string[] order = clientKind == ClientKinds.Company
            ? [GoldenFields.CompanyName, GoldenFields.LegalName, GoldenFields.Name]
            : [GoldenFields.Name, GoldenFields.CompanyName];
        return order.Select(f => golden.GetValueOrDefault(f)?.Value).FirstOrDefault(v => v is not null);
    }

    private static void Pick(
        SortedDictionary<string, GoldenValue> golden,
        string field,
        IReadOnlyList<GoldenSource> sources,
        Func<GoldenSource, IEnumerable<string>> values,
        ResolutionRules rules)
    {
        var best = sources
            .SelectMany(s => values(s).Select(v => (Source: s, Value: v)))
            .OrderBy(c => rules.SourceRank(field, c.Source.Source))
            .ThenByDescending(c => c.Source.SourceUpdatedAt)
            .ThenBy(c => c.Source.Source, StringComparer.Ordinal)
            .ThenBy(c => c.Source.EntityType, StringComparer.Ordinal)
            .ThenBy(c => c.Source.ExternalId, StringComparer.Ordinal)
            .ThenBy(c => c.Value, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Source is not null)
        {
            golden[field] = new GoldenValue(best.Value, best.Source.RecordId, best.Source.Source, best.Source.ExternalId, best.Source.SourceUpdatedAt);
        }
    }

    private static IEnumerable<string> Single(string? value) => value is null ? [] : [value];

    private static IEnumerable<string> Usable(GoldenSource source, string kind) =>
        source.Identifiers.Where(i => i.Kind == kind && !i.Blocked).Select(i => i.Value);
}
