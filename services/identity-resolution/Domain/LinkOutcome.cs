using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain;

/// <summary>What linking a staged record did.</summary>
internal abstract record LinkOutcome
{
    private LinkOutcome()
    {
    }

    /// <summary>The record cannot be linked (see <see cref="SkipReasons"/>) and was recorded as skipped.</summary>
    public sealed record Skipped(string Reason) : LinkOutcome;

    /// <summary>
    /// The record belongs to <paramref name="Client"/>. <paramref name="WasAlreadyLinked"/> means a replay:
    /// nothing changed, and <paramref name="Client"/> is the client as it is now.
    /// </summary>
    public sealed record Linked(ClientSnapshot Client, bool WasAlreadyLinked) : LinkOutcome;
}

/// <summary>A client as committed, read in one consistent view: what <c>ClientUpdated</c> carries.</summary>
internal sealed record ClientSnapshot(
    Guid Id,
    string WorkspaceId,
    string Kind,
    string? DisplayName,
    string? PrimaryEmail,
    string? PrimaryPhone,
    long Version,
    IReadOnlyList<Identifier> Identifiers,
    int RecordCount,
    DateTimeOffset UpdatedAt);
