using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Domain.Normalisation;

/// <summary>
/// What each identifier kind means for linking: its priority (lower links first and outranks higher) and
/// whether it is a strong identifier (stripe id, email, phone, CPF, CNPJ) or a source id.
/// </summary>
internal static class IdentifierKindRules
{
    /// <summary>The kinds that have a per-client limit, in priority order.</summary>
    public static readonly IReadOnlyList<string> LimitedKinds =
        [IdentifierKinds.StripeCustomerId, IdentifierKinds.Email, IdentifierKinds.Phone, IdentifierKinds.Cpf, IdentifierKinds.Cnpj];

    /// <summary>Source ids: link without limit, but never make a record usable on their own (see settings).</summary>
    public static readonly IReadOnlyList<string> SourceIdKinds =
    [
        IdentifierKinds.GhlContactId, IdentifierKinds.ManychatSubscriberId, IdentifierKinds.PloomesContactId,
        IdentifierKinds.HotmartBuyerId, IdentifierKinds.PaypalPayerId, IdentifierKinds.SgtLeadId,
    ];

    /// <summary>Every kind identity resolution links on, in priority order.</summary>
    public static readonly IReadOnlyList<string> AllKinds = [.. LimitedKinds, .. SourceIdKinds];

    /// <summary>0 for stripe_customer_id, 1 email, 2 phone, 3 cpf and cnpj, 4 source ids; unknown kinds last.</summary>
    public static int Priority(string kind) => kind switch
    {
        IdentifierKinds.StripeCustomerId => 0,
        IdentifierKinds.Email => 1,
        IdentifierKinds.Phone => 2,
        IdentifierKinds.Cpf or IdentifierKinds.Cnpj => 3,
        _ when IsSourceId(kind) => 4,
        _ => int.MaxValue,
    };

    /// <summary>Stripe id, email, phone, CPF or CNPJ: an identifier that makes a record a possible client.</summary>
    public static bool IsStrong(string kind) => LimitedKinds.Contains(kind);

    public static bool IsSourceId(string kind) => SourceIdKinds.Contains(kind);

    public static bool IsKnown(string kind) => IsStrong(kind) || IsSourceId(kind);

    /// <summary>Sort key inside one priority level, so cpf comes before cnpj and source ids keep a fixed order.</summary>
    public static int Order(string kind)
    {
        for (var i = 0; i < AllKinds.Count; i++)
        {
            if (AllKinds[i] == kind)
            {
                return i;
            }
        }
        return int.MaxValue;
    }
}
