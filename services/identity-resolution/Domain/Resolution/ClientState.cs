using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>A client as the resolver reads and writes it (a row of <c>clients</c>, golden record parsed).</summary>
internal sealed class ClientState
{
    public Guid Id { get; init; }
    public string WorkspaceId { get; init; } = "";
    public string Kind { get; set; } = ClientKinds.Person;
    public string Status { get; set; } = ClientStatuses.Active;
    public Guid? MergedIntoId { get; set; }
    public string? DisplayName { get; set; }
    public string? PrimaryEmail { get; set; }
    public string? PrimaryPhone { get; set; }
    public string? Document { get; set; }
    public SortedDictionary<string, GoldenValue> Golden { get; set; } = new(StringComparer.Ordinal);
    public IReadOnlyList<Identifier> Identifiers { get; set; } = [];
    public int RecordCount { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public string? Field(string field) => Golden.TryGetValue(field, out var value) ? value.Value : null;

    /// <summary>Whether the client already shows exactly this content (then nothing changes and the version stays).</summary>
    public bool Shows(string kind, SortedDictionary<string, GoldenValue> golden, IReadOnlyList<Identifier> identifiers, int recordCount) =>
        Status == ClientStatuses.Active
        && Kind == kind
        && RecordCount == recordCount
        && Identifiers.SequenceEqual(identifiers)
        && Golden.Count == golden.Count
        && Golden.All(g => golden.TryGetValue(g.Key, out var other) && other == g.Value);

    /// <summary>Takes new content and moves to the next version.</summary>
    public void Apply(string kind, SortedDictionary<string, GoldenValue> golden, IReadOnlyList<Identifier> identifiers, int recordCount, DateTimeOffset now)
    {
        Kind = kind;
        Status = ClientStatuses.Active;
        MergedIntoId = null;
        Golden = golden;
        Identifiers = identifiers;
        RecordCount = recordCount;
        DisplayName = GoldenRecordBuilder.DisplayName(golden, kind);
        PrimaryEmail = Field(GoldenFields.Email);
        PrimaryPhone = Field(GoldenFields.Phone);
        Document = Field(GoldenFields.Document);
        Version++;
        UpdatedAt = now;
    }

    /// <summary>Ends the client: merged into <paramref name="survivor"/>, or dissolved when null.</summary>
    public void Retire(Guid? survivor, DateTimeOffset now)
    {
        Status = survivor is null ? ClientStatuses.Dissolved : ClientStatuses.Merged;
        MergedIntoId = survivor;
        RecordCount = 0;
        Version++;
        UpdatedAt = now;
    }
}

/// <summary>Decision kinds as stored.</summary>
internal static class DecisionKinds
{
    public const string Merge = "merge";
    public const string KeepApart = "keep_apart";
    public const string Split = "split";
    public const string BlockValue = "block_value";
    public const string UnblockValue = "unblock_value";

    public static DecisionKind Parse(string kind) => kind switch
    {
        Merge => DecisionKind.Merge,
        KeepApart => DecisionKind.KeepApart,
        Split => DecisionKind.Split,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a decision over records."),
    };
}

/// <summary>Conflict statuses as stored.</summary>
internal static class ConflictStatuses
{
    public const string Open = "open";
    public const string Merged = "merged";
    public const string KeptApart = "kept_apart";
    public const string Superseded = "superseded";
}

/// <summary>A conflict a recompute found that was not open yet.</summary>
internal sealed record NewConflict(Guid Id, Guid ClientAId, Guid ClientBId, string Kind, string Value, string Rule, long RecordAId, long RecordBId);
