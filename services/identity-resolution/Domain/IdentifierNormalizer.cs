using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain;

/// <summary>An identifier in the form identity resolution compares and stores.</summary>
internal readonly record struct NormalizedIdentifier(string Kind, string Value);

/// <summary>
/// Turns identifiers as sources wrote them into comparable values. The walking skeleton links on
/// <c>stripe_customer_id</c> and <c>email</c> only; other kinds (phone in E.164, CPF/CNPJ, source ids)
/// are ignored until their rules exist.
/// </summary>
internal static class IdentifierNormalizer
{
    /// <summary>Kinds used for linking, in priority order.</summary>
    public static readonly IReadOnlyList<string> SupportedKinds = [IdentifierKinds.StripeCustomerId, IdentifierKinds.Email];

    /// <summary>Usable identifiers, distinct, in priority order.</summary>
    public static IReadOnlyList<NormalizedIdentifier> Normalize(IEnumerable<Identifier> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        return identifiers
            .Select(Normalize)
            .OfType<NormalizedIdentifier>()
            .Distinct()
            .OrderBy(i => Priority(i.Kind))
            .ToList();
    }

    public static NormalizedIdentifier? Normalize(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return identifier.Kind switch
        {
            IdentifierKinds.Email => NormalizeEmail(identifier.Value) is { } email
                ? new NormalizedIdentifier(IdentifierKinds.Email, email)
                : null,
            // Stripe ids are case-sensitive opaque tokens: compared exactly as Stripe issued them.
            IdentifierKinds.StripeCustomerId when !string.IsNullOrWhiteSpace(identifier.Value) =>
                new NormalizedIdentifier(IdentifierKinds.StripeCustomerId, identifier.Value),
            _ => null,
        };
    }

    /// <summary>Trimmed and lower-cased; null when it cannot be an address at all.</summary>
    public static string? NormalizeEmail(string? value)
    {
        var email = value?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(email) || !email.Contains('@', StringComparison.Ordinal) ? null : email;
    }

    /// <summary>Position in the priority order; unsupported kinds last.</summary>
    public static int Priority(string kind)
    {
        for (var i = 0; i < SupportedKinds.Count; i++)
        {
            if (SupportedKinds[i] == kind)
            {
                return i;
            }
        }
        return int.MaxValue;
    }
}
