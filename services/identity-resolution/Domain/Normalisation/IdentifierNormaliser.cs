using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>An identifier in the form identity resolution compares and stores.</summary>
internal readonly record struct NormalisedIdentifier(string Kind, string Value);

/// <summary>An identifier that did not normalise: kept on the record as an attribute, never used to link.</summary>
internal sealed record UnusableIdentifier(string Kind, string Value, string Reason);

/// <summary>A record's identifiers after normalisation.</summary>
internal sealed record NormalisedIdentifiers(IReadOnlyList<NormalisedIdentifier> Usable, IReadOnlyList<UnusableIdentifier> Unusable);

/// <summary>Turns identifiers as sources wrote them into comparable values (pure functions).</summary>
internal static class IdentifierNormaliser
{
    /// <summary>Usable identifiers (distinct, in priority order) and the ones that did not normalise.</summary>
    public static NormalisedIdentifiers Normalise(IEnumerable<Identifier> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var usable = new List<NormalisedIdentifier>();
        var unusable = new List<UnusableIdentifier>();
        foreach (var identifier in identifiers)
        {
            if (identifier is null || string.IsNullOrWhiteSpace(identifier.Value))
            {
                continue;
            }
            if (Normalise(identifier) is { } normalised)
            {
                usable.Add(normalised);
            }
            else
            {
                unusable.Add(new UnusableIdentifier(identifier.Kind, identifier.Value.Trim(), WhyUnusable(identifier.Kind)));
            }
        }
        return new NormalisedIdentifiers(
            usable.Distinct().OrderBy(i => IdentifierKindRules.Order(i.Kind)).ThenBy(i => i.Value, StringComparer.Ordinal).ToList(),
            unusable.Distinct().ToList());
    }

    /// <summary>The normalised identifier, or null when the value does not normalise or the kind is unknown.</summary>
    public static NormalisedIdentifier? Normalise(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return identifier.Kind switch
        {
            IdentifierKinds.Email => EmailNormaliser.Normalise(identifier.Value) is { } email
                ? new NormalisedIdentifier(IdentifierKinds.Email, email) : null,
            IdentifierKinds.Phone => PhoneNormaliser.Normalise(identifier.Value) is { } phone
                ? new NormalisedIdentifier(IdentifierKinds.Phone, phone) : null,
            IdentifierKinds.Cpf or IdentifierKinds.Cnpj => DocumentNormaliser.Normalise(identifier.Value),
            // Stripe ids are case-sensitive opaque tokens: compared exactly as Stripe issued them.
            IdentifierKinds.StripeCustomerId => OpaqueId(identifier),
            _ when IdentifierKindRules.IsSourceId(identifier.Kind) => OpaqueId(identifier),
            _ => null,
        };
    }

    /// <summary>What an operator reads next to a value that was kept but not used.</summary>
    public static string WhyUnusable(string kind) => kind switch
    {
        IdentifierKinds.Email => "not an email address",
        IdentifierKinds.Phone => "not a phone number that can be placed (Brazilian numbers need a valid area code; other countries a leading +)",
        IdentifierKinds.Cpf or IdentifierKinds.Cnpj => "not a valid CPF or CNPJ (check digits do not match)",
        _ when IdentifierKindRules.IsKnown(kind) => "not a usable id (blank or contains spaces)",
        _ => $"unknown identifier kind '{kind}'",
    };

    private static NormalisedIdentifier? OpaqueId(Identifier identifier)
    {
        var value = identifier.Value.Trim();
        return value.Length is > 0 and <= 200 && !value.Any(char.IsWhiteSpace) ? new NormalisedIdentifier(identifier.Kind, value) : null;
    }
}
