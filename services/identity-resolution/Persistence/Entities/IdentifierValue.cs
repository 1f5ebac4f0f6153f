namespace Platform.IdentityResolution.Persistence.Entities;

/// <summary>
/// A normalised identifier value seen in a workspace, and whether it is blocked (never used to link):
/// configured, detected (shared by many records that disagree), or by an operator.
/// </summary>
internal sealed class IdentifierValue
{
    public long Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Value { get; set; } = "";

    /// <summary>Null when the value links; otherwise <c>configured</c>, <c>detected</c> or <c>operator</c>.</summary>
    public string? BlockedReason { get; set; }

    public string? BlockedDetail { get; set; }
    public DateTimeOffset? BlockedAt { get; set; }

    /// <summary>An operator unblocked the value: detection leaves it alone from then on.</summary>
    public bool OperatorAllowed { get; set; }
}
