namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>What a record is: a person, a company, or neither (a deal or charge that names no one by document).</summary>
internal enum RecordNature
{
    Neutral,
    Person,
    Company,
}

/// <summary>One normalised identifier of a record as the partitioner sees it.</summary>
internal readonly record struct PartitionIdentifier(string Kind, string Value, bool Blocked);

/// <summary>A record as the partitioner sees it: its key, its entity type and its normalised identifiers.</summary>
internal sealed record PartitionRecord
{
    public required long Id { get; init; }
    public required string Source { get; init; }

    /// <summary>Kebab-case entity type (<c>contact</c>, <c>enrichment</c>…).</summary>
    public required string EntityType { get; init; }

    public required string ExternalId { get; init; }
    public required IReadOnlyList<PartitionIdentifier> Identifiers { get; init; }

    /// <summary>The person's full name as the source gave it, when it gave one.</summary>
    public string? Name { get; init; }

    public bool IsEnrichment => EntityType == EntityTypes.Enrichment;
}

/// <summary>Entity type names as stored.</summary>
internal static class EntityTypes
{
    public const string Contact = "contact";
    public const string Company = "company";
    public const string Enrichment = "enrichment";
}

/// <summary>How an operator decision constrains a partition.</summary>
internal enum DecisionKind
{
    /// <summary>Every record of both sides in one client, whatever the limits say.</summary>
    Merge,

    /// <summary>No record of side A in the same client as a record of side B.</summary>
    KeepApart,

    /// <summary>Side A together in one client, apart from every record of side B.</summary>
    Split,
}

/// <summary>An operator decision over record ids, re-applied on every recompute of the records it names.</summary>
internal sealed record PartitionDecision(long Id, DecisionKind Kind, IReadOnlyList<long> SideA, IReadOnlyList<long> SideB);

/// <summary>Where a record stands after resolution.</summary>
internal static class RecordStatuses
{
    public const string Linked = "linked";
    public const string Skipped = "skipped";
    public const string Waiting = "waiting";
}

/// <summary>Why a record is in no client.</summary>
internal static class UnlinkedReasons
{
    public const string NoUsableIdentifier = "no usable identifier (needs an email, phone, CPF/CNPJ or stripe_customer_id)";
    public const string OnlyBlockedIdentifiers = "only blocked identifiers";
    public const string SourceIdOnly = "only source ids, and this source is not allowed to create clients from source ids alone (IdentityResolution:SourceIdOnlySources)";
    public const string EnrichmentWaiting = "enrichment: waits for a client with one of its identifiers";
}

/// <summary>A set of records the partition puts together; a client when <see cref="IsClient"/>.</summary>
internal sealed record PartitionGroup(IReadOnlyList<long> RecordIds, bool IsClient, string ClientKind);

/// <summary>Where one record ended: its group, and for a record in no client, its status and reason.</summary>
internal readonly record struct RecordPlacement(int Group, string Status, string? Reason);

/// <summary>
/// A link that was refused. <see cref="GroupA"/>/<see cref="GroupB"/> are the final groups of the two sides;
/// <see cref="ByDecision"/> marks refusals an operator asked for (not conflicts).
/// </summary>
internal sealed record Refusal(int GroupA, int GroupB, long RecordA, long RecordB, string Kind, string Value, string Rule, bool ByDecision);

/// <summary>An accepted link between two records: through a shared value, or an operator decision.</summary>
internal sealed record Link(long RecordA, long RecordB, string? Kind, string? Value, long? DecisionId);

/// <summary>The partition of a component of records into clients, with what it refused and (when traced) why records are together.</summary>
internal sealed record PartitionResult(
    IReadOnlyList<PartitionGroup> Groups,
    IReadOnlyDictionary<long, RecordPlacement> Placements,
    IReadOnlyList<Refusal> Refusals,
    IReadOnlyList<Link> Links);
