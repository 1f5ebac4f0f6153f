using System.Text.Json;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>The <c>IdentityResolution</c> configuration section.</summary>
internal sealed class IdentityResolutionOptions
{
    public const string Section = "IdentityResolution";

    /// <summary>Values that never link, as <c>kind:value</c> or a bare value (normalised as every kind it can be).</summary>
    public List<string>? BlockedValues { get; set; }

    public int? BlockThreshold { get; set; }
    public List<string>? SourceIdOnlySources { get; set; }
    public Dictionary<string, int>? Limits { get; set; }
    public Dictionary<string, List<string>>? FieldSources { get; set; }
    public List<string>? SourceOrder { get; set; }

    /// <summary>Records resolved in one transaction at most.</summary>
    public int MaxBatchSize { get; set; } = 200;

    /// <summary>Staged records each instance holds at once (prefetch and concurrent consumers); batches form from them.</summary>
    public int ConcurrentMessages { get; set; } = 400;

    /// <summary>
    /// A transaction of several staged records publishes their links and changed clients as bulk messages
    /// (<c>RecordsLinked</c>, <c>ClientsUpdated</c>) instead of one <c>RecordLinked</c> and <c>ClientUpdated</c> a record:
    /// webhooks arriving together cost the broker and aggregation a delivery a batch, not three a record.
    /// </summary>
    public bool CoalesceBatchEvents { get; set; } = true;

    /// <summary>Bulk messages of a sync run (<c>RawRecordsStaged</c>, up to a few hundred records each) each instance holds at once.</summary>
    public int ConcurrentBulkMessages { get; set; } = 8;

    /// <summary>Records a workspace recompute job handles per transaction (whole components, so a big one may exceed it).</summary>
    public int RecomputeChunkRecords { get; set; } = 500;

    /// <summary>How often an instance looks for recompute jobs queued by another instance (or left by a stopped one).</summary>
    public TimeSpan RecomputePollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>The service-wide rules and blocked list, from configuration; a workspace's settings go on top.</summary>
internal sealed class ResolutionDefaults
{
    public static readonly IReadOnlyList<string> DefaultSourceOrder =
        ["ploomes", "hotmart", "stripe", "paypal", "gohighlevel", "sgt", "manychat", "csv"];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultFieldSources = new Dictionary<string, IReadOnlyList<string>>
    {
        [GoldenFields.Name] = ["ploomes", "hotmart", "stripe", "paypal", "gohighlevel", "manychat", "sgt", "csv"],
        [GoldenFields.FirstName] = ["ploomes", "hotmart", "stripe", "paypal", "gohighlevel", "manychat", "sgt", "csv"],
        [GoldenFields.LastName] = ["ploomes", "hotmart", "stripe", "paypal", "gohighlevel", "manychat", "sgt", "csv"],
        [GoldenFields.Email] = ["stripe", "hotmart", "ploomes", "paypal", "gohighlevel", "manychat", "sgt", "csv"],
        [GoldenFields.Phone] = ["ploomes", "hotmart", "gohighlevel", "manychat", "stripe", "sgt", "paypal", "csv"],
        [GoldenFields.Document] = ["ploomes", "hotmart", "sgt", "stripe", "paypal", "csv"],
        [GoldenFields.City] = ["ploomes", "hotmart", "stripe", "paypal", "sgt", "csv"],
        [GoldenFields.State] = ["ploomes", "hotmart", "stripe", "paypal", "sgt", "csv"],
        [GoldenFields.Country] = ["ploomes", "hotmart", "stripe", "paypal", "sgt", "csv"],
        [GoldenFields.CompanyName] = ["ploomes", "hotmart", "stripe", "csv"],
        [GoldenFields.LegalName] = ["ploomes", "hotmart", "stripe", "csv"],
    };

    private readonly HashSet<(string Kind, string Value)> _configuredBlocked;

    public ResolutionDefaults(IdentityResolutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        ConfiguredBlocked = options.BlockedValues ?? [];
        _configuredBlocked = ConfiguredBlocked.SelectMany(NormaliseBlocked).ToHashSet();
        var limits = new Dictionary<string, int>(ResolutionRules.DefaultLimits);
        foreach (var (kind, limit) in options.Limits ?? [])
        {
            limits[kind] = limit;
        }
        var fields = new Dictionary<string, IReadOnlyList<string>>(DefaultFieldSources);
        foreach (var (field, sources) in options.FieldSources ?? [])
        {
            fields[field] = sources;
        }
        Rules = new ResolutionRules
        {
            Limits = limits,
            BlockThreshold = options.BlockThreshold ?? ResolutionRules.DefaultBlockThreshold,
            SourceIdOnlySources = (options.SourceIdOnlySources ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase),
            FieldSources = fields,
            SourceOrder = options.SourceOrder is { Count: > 0 } order ? order : DefaultSourceOrder,
        };
    }

    public IdentityResolutionOptions Options { get; }

    /// <summary>The configured list as written.</summary>
    public IReadOnlyList<string> ConfiguredBlocked { get; }

    public ResolutionRules Rules { get; }

    /// <summary>The configured list, normalised.</summary>
    public IReadOnlyCollection<(string Kind, string Value)> ConfiguredBlockedValues => _configuredBlocked;

    public bool IsConfiguredBlocked(string kind, string value) => _configuredBlocked.Contains((kind, value));

    /// <summary>The rules of a workspace whose stored settings are <paramref name="settingsJson"/> (null: none).</summary>
    public ResolutionRules RulesFor(string? settingsJson) =>
        settingsJson is null ? Rules : Rules.With(JsonSerializer.Deserialize<WorkspaceRuleOverrides>(settingsJson, ResolutionJson.Options));

    /// <summary><c>kind:value</c> as that kind; a bare value as every kind it normalises to.</summary>
    private static IEnumerable<(string Kind, string Value)> NormaliseBlocked(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && IdentifierKindRules.IsKnown(entry[..colon]))
        {
            return IdentifierNormaliser.Normalise(new Contracts.Records.Identifier(entry[..colon], entry[(colon + 1)..])) is { } one
                ? [(one.Kind, one.Value)]
                : [];
        }
        string[] kinds = [Contracts.Records.IdentifierKinds.Email, Contracts.Records.IdentifierKinds.Phone, Contracts.Records.IdentifierKinds.Cpf];
        return kinds
            .Select(kind => IdentifierNormaliser.Normalise(new Contracts.Records.Identifier(kind, entry)))
            .OfType<NormalisedIdentifier>()
            .Select(i => (i.Kind, i.Value))
            .Distinct()
            .ToList();
    }
}
