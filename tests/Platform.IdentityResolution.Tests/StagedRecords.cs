using Platform.Contracts.Connectors;
using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Tests;

/// <summary>Builds <see cref="RawRecordStaged"/> messages the way connectors publish them.</summary>
internal static class StagedRecords
{
    private static long _lastRawRecordId = Random.Shared.NextInt64(1, 1_000_000_000);

    public static string NewWorkspace() => $"ws-{Guid.NewGuid():N}";

    public static long NextRawRecordId() => Interlocked.Increment(ref _lastRawRecordId);

    public static RawRecordStaged StripeCustomer(string workspaceId, string? email, string? stripeCustomerId, string? fullName = null)
    {
        var identifiers = new List<Identifier>();
        if (stripeCustomerId is not null)
        {
            identifiers.Add(new Identifier(IdentifierKinds.StripeCustomerId, stripeCustomerId));
        }
        if (email is not null)
        {
            identifiers.Add(new Identifier(IdentifierKinds.Email, email));
        }
        return Staged(workspaceId, "stripe", EntityType.Contact, stripeCustomerId ?? $"cus_{Guid.NewGuid():N}", identifiers,
            new PersonFields { FullName = fullName });
    }

    public static RawRecordStaged HotmartPurchase(string workspaceId, string email, string firstName, string lastName) =>
        Staged(workspaceId, "hotmart", EntityType.Purchase, $"HP{NextRawRecordId()}", [new Identifier(IdentifierKinds.Email, email)],
            new PersonFields { FirstName = firstName, LastName = lastName });

    /// <summary>A record with identifiers written as <c>kind:value</c>.</summary>
    public static RawRecordStaged Record(string workspaceId, string source, EntityType entityType, string externalId, params string[] identifiers) =>
        Staged(workspaceId, source, entityType, externalId,
            identifiers.Select(i => new Identifier(i[..i.IndexOf(':', StringComparison.Ordinal)], i[(i.IndexOf(':', StringComparison.Ordinal) + 1)..])).ToList());

    public static RawRecordStaged Staged(
        string workspaceId, string source, EntityType entityType, string externalId, IReadOnlyList<Identifier> identifiers,
        PersonFields? person = null, CompanyFields? company = null, DateTimeOffset? sourceUpdatedAt = null) =>
        new()
        {
            WorkspaceId = workspaceId,
            CorrelationId = Guid.NewGuid(),
            Source = source,
            RawRecordId = NextRawRecordId(),
            StagedAt = DateTimeOffset.UtcNow,
            Record = new CanonicalRecord
            {
                Source = source,
                EntityType = entityType,
                ExternalId = externalId,
                SourceUpdatedAt = sourceUpdatedAt ?? DateTimeOffset.UtcNow,
                Identifiers = identifiers,
                Person = person,
                Company = company,
            },
        };
}
