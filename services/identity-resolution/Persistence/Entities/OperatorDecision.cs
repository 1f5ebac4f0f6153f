namespace Platform.IdentityResolution.Persistence.Entities;

/// <summary>
/// An operator's decision, stored and re-applied whenever the records it names are recomputed: merge,
/// keep apart or split (over records, see <see cref="OperatorDecisionRecord"/>), or block or unblock a value.
/// A later decision that contradicts it supersedes it.
/// </summary>
internal sealed class OperatorDecision
{
    public long Id { get; set; }
    public string WorkspaceId { get; set; } = "";

    /// <summary><c>merge</c>, <c>keep_apart</c>, <c>split</c>, <c>block_value</c> or <c>unblock_value</c>.</summary>
    public string Kind { get; set; } = "";

    public Guid? ConflictId { get; set; }
    public Guid? ClientId { get; set; }
    public long? ValueId { get; set; }
    public string? Note { get; set; }

    /// <summary>Who made the decision: the operator's key name from the verified caller token.</summary>
    public string? DecidedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SupersededAt { get; set; }
    public long? SupersededById { get; set; }
}

/// <summary>A record named by a decision, on side 1 (A) or 2 (B).</summary>
internal sealed class OperatorDecisionRecord
{
    public long DecisionId { get; set; }
    public long RecordId { get; set; }
    public short Side { get; set; }
}
