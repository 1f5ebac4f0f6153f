namespace Platform.Contracts.Records;

/// <summary>
/// A vendor record mapped to the platform's shape. Connectors build it from the raw payload they keep;
/// everything downstream (identity resolution, aggregation) reads only this.
/// </summary>
public sealed record CanonicalRecord
{
    /// <summary>Kebab-case source name: <c>stripe</c>, <c>hotmart</c>, <c>ploomes</c>, <c>gohighlevel</c>, <c>manychat</c>, <c>paypal</c>, <c>sgt</c>, <c>csv</c>.</summary>
    public required string Source { get; init; }

    /// <summary>What kind of thing the record is.</summary>
    public required EntityType EntityType { get; init; }

    /// <summary>The record's id at the source (<c>cus_…</c>, a Hotmart transaction code, a Ploomes deal id).</summary>
    public required string ExternalId { get; init; }

    /// <summary>When the source last changed the record; orders versions of the same record.</summary>
    public required DateTimeOffset SourceUpdatedAt { get; init; }

    /// <summary>Identifiers as the source wrote them (not normalised: identity resolution normalises).</summary>
    public IReadOnlyList<Identifier> Identifiers { get; init; } = [];

    /// <summary>Person fields, when the record describes or names a person.</summary>
    public PersonFields? Person { get; init; }

    /// <summary>Company fields, when the record describes or names a company.</summary>
    public CompanyFields? Company { get; init; }

    /// <summary>Money fields for deals, purchases, charges, invoices, subscriptions and transactions.</summary>
    public MoneyFields? Money { get; init; }

    /// <summary>Other source fields worth keeping (tags, custom fields), by name. Values are strings as the source sent them.</summary>
    public IReadOnlyDictionary<string, string?> Attributes { get; init; } = new Dictionary<string, string?>();
}

/// <summary>The kinds of record a connector stages.</summary>
public enum EntityType
{
    /// <summary>A person (contact, lead, customer, subscriber, buyer).</summary>
    Contact,
    /// <summary>A company (Ploomes company contact, a CNPJ holder).</summary>
    Company,
    /// <summary>A pipeline deal (Ploomes, GoHighLevel opportunity).</summary>
    Deal,
    /// <summary>A purchase (Hotmart sale, abandoned cart, order).</summary>
    Purchase,
    /// <summary>A card charge or payment intent, with its refunds and disputes.</summary>
    Charge,
    /// <summary>An invoice.</summary>
    Invoice,
    /// <summary>A subscription.</summary>
    Subscription,
    /// <summary>A money movement (PayPal transaction, investment deposit or withdrawal).</summary>
    Transaction,
    /// <summary>Extra data about a known person (SGT extras, scores) that never creates a client alone.</summary>
    Enrichment,
}

/// <summary>One identifier of a person or company as a source wrote it.</summary>
/// <param name="Kind">One of <see cref="IdentifierKinds"/>.</param>
/// <param name="Value">The value as the source wrote it, not normalised.</param>
public sealed record Identifier(string Kind, string Value);

/// <summary>The identifier kinds, in the priority order identity resolution uses.</summary>
public static class IdentifierKinds
{
    /// <summary>Stripe customer id (<c>cus_…</c>).</summary>
    public const string StripeCustomerId = "stripe_customer_id";
    /// <summary>Email address.</summary>
    public const string Email = "email";
    /// <summary>Phone number, any spelling (normalised to E.164 downstream).</summary>
    public const string Phone = "phone";
    /// <summary>Brazilian individual tax id.</summary>
    public const string Cpf = "cpf";
    /// <summary>Brazilian company tax id.</summary>
    public const string Cnpj = "cnpj";
    /// <summary>GoHighLevel contact id.</summary>
    public const string GhlContactId = "ghl_contact_id";
    /// <summary>ManyChat subscriber id.</summary>
    public const string ManychatSubscriberId = "manychat_subscriber_id";
    /// <summary>Ploomes contact id.</summary>
    public const string PloomesContactId = "ploomes_contact_id";
    /// <summary>Hotmart buyer ucode.</summary>
    public const string HotmartBuyerId = "hotmart_buyer_id";
    /// <summary>PayPal payer account id.</summary>
    public const string PaypalPayerId = "paypal_payer_id";
    /// <summary>Lead id in the internal SGT system.</summary>
    public const string SgtLeadId = "sgt_lead_id";
}

/// <summary>Person fields as the source gave them.</summary>
public sealed record PersonFields
{
    /// <summary>Full name as written.</summary>
    public string? FullName { get; init; }
    /// <summary>Given name.</summary>
    public string? FirstName { get; init; }
    /// <summary>Family name.</summary>
    public string? LastName { get; init; }
    /// <summary>City.</summary>
    public string? City { get; init; }
    /// <summary>State or province.</summary>
    public string? State { get; init; }
    /// <summary>ISO 3166 alpha-2 country code when known.</summary>
    public string? Country { get; init; }
}

/// <summary>Company fields as the source gave them.</summary>
public sealed record CompanyFields
{
    /// <summary>Trade name.</summary>
    public string? Name { get; init; }
    /// <summary>Legal (registered) name.</summary>
    public string? LegalName { get; init; }
}

/// <summary>Money fields of a deal, purchase, charge, invoice, subscription or transaction.</summary>
public sealed record MoneyFields
{
    /// <summary>Amount in major units (reais, dollars), converted from minor units where the source uses them.</summary>
    public required decimal Amount { get; init; }
    /// <summary>ISO 4217 code, upper case.</summary>
    public required string Currency { get; init; }
    /// <summary>The source's status, as sent (aggregation normalises it).</summary>
    public required string Status { get; init; }
    /// <summary>When the sale, charge or transaction happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>Product or plan name, when known.</summary>
    public string? Product { get; init; }
    /// <summary>Amount refunded so far, in major units, when the source reports it.</summary>
    public decimal? AmountRefunded { get; init; }
}
