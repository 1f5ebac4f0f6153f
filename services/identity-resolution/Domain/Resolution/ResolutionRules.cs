using System.Collections.Frozen;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>
/// The rules one workspace resolves with: the service defaults (<c>IdentityResolution</c> settings) with the
/// workspace's own overrides on top (see <see cref="WorkspaceRuleOverrides"/>).
/// </summary>
internal sealed record ResolutionRules
{
    public static readonly FrozenDictionary<string, int> DefaultLimits = new Dictionary<string, int>
    {
        [IdentifierKinds.StripeCustomerId] = 3,
        [IdentifierKinds.Email] = 1,
        [IdentifierKinds.Phone] = 2,
        [IdentifierKinds.Cpf] = 1,
        [IdentifierKinds.Cnpj] = 1,
    }.ToFrozenDictionary();

    public const int DefaultBlockThreshold = 10;

    /// <summary>Distinct values of a kind one client may have; kinds absent here (source ids) are unlimited.</summary>
    public required IReadOnlyDictionary<string, int> Limits { get; init; }

    /// <summary>A value shared by records that show more than this many different values of another kind is blocked.</summary>
    public required int BlockThreshold { get; init; }

    /// <summary>Sources whose records may become a client on a source id alone.</summary>
    public required IReadOnlySet<string> SourceIdOnlySources { get; init; }

    /// <summary>For each golden-record field, the sources in order of preference.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> FieldSources { get; init; }

    /// <summary>Preference for fields without their own list, and after a field's own list.</summary>
    public required IReadOnlyList<string> SourceOrder { get; init; }

    public int LimitOf(string kind) => Limits.TryGetValue(kind, out var limit) ? limit : int.MaxValue;

    /// <summary>Rank of <paramref name="source"/> for <paramref name="field"/>: lower is preferred.</summary>
    public int SourceRank(string field, string source)
    {
        if (FieldSources.TryGetValue(field, out var own))
        {
            var i = IndexOf(own, source);
            if (i >= 0)
            {
                return i;
            }
        }
        var j = IndexOf(SourceOrder, source);
        return j >= 0 ? 1000 + j : 10_000;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The defaults with <paramref name="overrides"/> applied.</summary>
    public ResolutionRules With(WorkspaceRuleOverrides? overrides)
    {
        if (overrides is null)
        {
            return this;
        }
        var limits = new Dictionary<string, int>(Limits);
        foreach (var (kind, limit) in overrides.Limits ?? new Dictionary<string, int>())
        {
            limits[kind] = limit;
        }
        var fields = new Dictionary<string, IReadOnlyList<string>>(FieldSources);
        foreach (var (field, sources) in overrides.FieldSources ?? new Dictionary<string, List<string>>())
        {
            fields[field] = sources;
        }
        return this with
        {
            Limits = limits,
            BlockThreshold = overrides.BlockThreshold ?? BlockThreshold,
            SourceIdOnlySources = overrides.SourceIdOnlySources is { } allowed
                ? allowed.ToHashSet(StringComparer.OrdinalIgnoreCase)
                : SourceIdOnlySources,
            FieldSources = fields,
            SourceOrder = overrides.SourceOrder ?? SourceOrder,
        };
    }

    /// <summary>Problems with <paramref name="overrides"/>, by setting name; empty when they can be applied.</summary>
    public static Dictionary<string, string[]> Validate(WorkspaceRuleOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var errors = new Dictionary<string, string[]>();
        foreach (var (kind, limit) in overrides.Limits ?? new Dictionary<string, int>())
        {
            if (!IdentifierKindRules.LimitedKinds.Contains(kind))
            {
                errors[$"limits.{kind}"] = [$"'{kind}' has no limit; limits exist for {string.Join(", ", IdentifierKindRules.LimitedKinds)}."];
            }
            else if (limit is < 1 or > 100)
            {
                errors[$"limits.{kind}"] = ["A limit is between 1 and 100."];
            }
        }
        if (overrides.BlockThreshold is < 2 or > 100_000)
        {
            errors["blockThreshold"] = ["blockThreshold is between 2 and 100000."];
        }
        foreach (var (field, _) in overrides.FieldSources ?? new Dictionary<string, List<string>>())
        {
            if (!GoldenFields.All.Contains(field))
            {
                errors[$"fieldSources.{field}"] = [$"Unknown field '{field}'; fields are {string.Join(", ", GoldenFields.All)}."];
            }
        }
        return errors;
    }
}

/// <summary>A workspace's own settings, stored as given; every member is optional (null keeps the default).</summary>
internal sealed record WorkspaceRuleOverrides
{
    public Dictionary<string, int>? Limits { get; init; }
    public int? BlockThreshold { get; init; }
    public List<string>? SourceIdOnlySources { get; init; }
    public Dictionary<string, List<string>>? FieldSources { get; init; }
    public List<string>? SourceOrder { get; init; }
}
