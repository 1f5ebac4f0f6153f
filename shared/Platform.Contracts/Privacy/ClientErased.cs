namespace Platform.Contracts.Privacy;

/// <summary>
/// Published when a person's data was erased under LGPD (an erasure request for a client). Every service that holds
/// personal data about the client deletes it; services that contact people (campaigns) also keep the client and its
/// identifiers, as salted hashes only, on their suppression list so the person is never messaged again.
/// </summary>
public sealed record ClientErased
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the erasure request.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The erased client.</summary>
    public required Guid ClientId { get; init; }
    /// <summary>The privacy request that asked for it, when one did.</summary>
    public Guid? PrivacyRequestId { get; init; }
    /// <summary>
    /// The client's identifiers (kind and normalised value) at erasure time, so a service that never saw them can still
    /// suppress them; never logged.
    /// </summary>
    public IReadOnlyList<Records.Identifier> Identifiers { get; init; } = [];
    /// <summary>When the erasure was decided.</summary>
    public required DateTimeOffset ErasedAt { get; init; }
}
