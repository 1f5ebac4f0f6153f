namespace Platform.IdentityResolution.Persistence.Entities;

/// <summary>
/// A link that was refused because it would break a rule, between two clients sharing a value: open until an
/// operator resolves it (merge or keep apart), or superseded when a recompute no longer finds it.
/// </summary>
internal sealed class MergeConflict
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public Guid ClientAId { get; set; }
    public Guid ClientBId { get; set; }
    public string IdentifierKind { get; set; } = "";
    public string IdentifierValue { get; set; } = "";
    public string Rule { get; set; } = "";

    /// <summary>A record of each side holding the value: the evidence.</summary>
    public long RecordAId { get; set; }

    public long RecordBId { get; set; }

    /// <summary><c>open</c>, <c>merged</c>, <c>kept_apart</c> or <c>superseded</c>.</summary>
    public string Status { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public long? DecisionId { get; set; }
}
