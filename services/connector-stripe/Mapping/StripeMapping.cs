using System.Text.Json;
using Platform.Contracts.Records;
using Platform.Connectors.Json;
using static Platform.Connectors.Json.JsonFields;

namespace Platform.Connectors.Stripe.Mapping;

/// <summary>
/// Stripe objects to canonical records. Amounts arrive in minor units of their currency (zero- and
/// three-decimal currencies included). Refunds and disputes are their own <see cref="EntityType.Transaction"/>
/// records pointing at the charge (<c>charge_id</c> attribute), so a charge's history is never overwritten.
/// </summary>
public static class StripeMapping
{
    public const string Source = "stripe";

    // https://docs.stripe.com/currencies#zero-decimal and #three-decimal
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    };

    private static readonly HashSet<string> ThreeDecimal = new(StringComparer.OrdinalIgnoreCase) { "bhd", "jod", "kwd", "omr", "tnd" };

    /// <summary>Converts a Stripe integer amount in minor units to major units.</summary>
    public static decimal FromMinorUnits(long amount, string currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        if (ZeroDecimal.Contains(currency))
        {
            return amount;
        }
        return ThreeDecimal.Contains(currency) ? amount / 1000m : amount / 100m;
    }

    /// <summary>The backfill stream an object belongs to.</summary>
    public static string StreamOf(EntityType type, JsonElement obj) => Str(obj, "object") switch
    {
        "customer" => "customers",
        "charge" => "charges",
        "payment_intent" => "payment_intents",
        "invoice" => "invoices",
        "subscription" => "subscriptions",
        "refund" => "refunds",
        "dispute" => "disputes",
        "checkout.session" => "checkout_sessions",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Maps one Stripe object; null for objects the platform does not use (plans, prices, balance transactions).
    /// <paramref name="changedAt"/> is the event time for webhooks (Stripe objects carry no updated-at).
    /// </summary>
    public static CanonicalRecord? Map(JsonElement obj, DateTimeOffset? changedAt = null)
    {
        var kind = Str(obj, "object");
        var id = Str(obj, "id") ?? throw new JsonException($"Stripe {kind ?? "object"} has no \"id\"");
        var created = UnixSeconds(obj, "created") ?? changedAt ?? DateTimeOffset.UnixEpoch;
        var updatedAt = changedAt ?? created;
        return kind switch
        {
            "customer" => Customer(obj, id, updatedAt),
            "charge" => Charge(obj, id, created, updatedAt),
            "payment_intent" => PaymentIntent(obj, id, created, updatedAt),
            "invoice" => Invoice(obj, id, created, updatedAt),
            "subscription" => Subscription(obj, id, created, updatedAt),
            "refund" => RefundOrDispute(obj, id, created, updatedAt, "refunded"),
            "dispute" => RefundOrDispute(obj, id, created, updatedAt, "chargeback"),
            "checkout.session" => CheckoutSession(obj, id, created, updatedAt),
            _ => null,
        };
    }

    private static CanonicalRecord Customer(JsonElement c, string id, DateTimeOffset updatedAt)
    {
        var identifiers = Ids((IdentifierKinds.StripeCustomerId, id), (IdentifierKinds.Email, Str(c, "email")), (IdentifierKinds.Phone, Str(c, "phone")));
        var address = c.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Contact,
            ExternalId = id,
            SourceUpdatedAt = updatedAt,
            Identifiers = identifiers,
            Person = PersonOf(Str(c, "name"), address),
            Attributes = Attrs(("description", Str(c, "description")), ("delinquent", Raw(c, "delinquent"))),
        };
    }

    private static CanonicalRecord Charge(JsonElement c, string id, DateTimeOffset created, DateTimeOffset updatedAt)
    {
        var billing = Obj(c, "billing_details");
        var currency = Str(c, "currency") ?? "";
        var refunded = Long(c, "amount_refunded") ?? 0;
        var status = Str(c, "status") ?? "unknown";
        if (Bool(c, "disputed") == true)
        {
            status = "disputed";
        }
        else if (Bool(c, "refunded") == true)
        {
            status = "refunded";
        }
        else if (refunded > 0)
        {
            status = "partially_refunded";
        }
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Charge,
            ExternalId = id,
            SourceUpdatedAt = updatedAt,
            Identifiers = Ids(
                (IdentifierKinds.StripeCustomerId, Str(c, "customer")),
                (IdentifierKinds.Email, Str(billing, "email") ?? Str(c, "receipt_email")),
                (IdentifierKinds.Phone, Str(billing, "phone"))),
            Person = PersonOf(Str(billing, "name"), Obj(billing, "address")),
            Money = MoneyOf(c, "amount", currency, status, created, Str(c, "description"), refunded),
            Attributes = Attrs(("stripe_object", "charge"), ("payment_intent_id", Str(c, "payment_intent")), ("invoice_id", Str(c, "invoice"))),
        };
    }

    private static CanonicalRecord PaymentIntent(JsonElement p, string id, DateTimeOffset created, DateTimeOffset updatedAt) => new()
    {
        Source = Source,
        EntityType = EntityType.Charge,
        ExternalId = id,
        SourceUpdatedAt = updatedAt,
        Identifiers = Ids((IdentifierKinds.StripeCustomerId, Str(p, "customer")), (IdentifierKinds.Email, Str(p, "receipt_email"))),
        Money = MoneyOf(p, "amount", Str(p, "currency") ?? "", Str(p, "status") ?? "unknown", created, Str(p, "description"), null),
        Attributes = Attrs(("stripe_object", "payment_intent"), ("latest_charge_id", Str(p, "latest_charge"))),
    };

    private static CanonicalRecord Invoice(JsonElement i, string id, DateTimeOffset created, DateTimeOffset updatedAt)
    {
        var status = Str(i, "status") ?? "unknown";
        var amountField = status == "paid" ? "amount_paid" : "amount_due";
        var subscription = Str(i, "subscription") ?? Str(Obj(Obj(i, "parent"), "subscription_details"), "subscription");
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Invoice,
            ExternalId = id,
            SourceUpdatedAt = updatedAt,
            Identifiers = Ids(
                (IdentifierKinds.StripeCustomerId, Str(i, "customer")),
                (IdentifierKinds.Email, Str(i, "customer_email")),
                (IdentifierKinds.Phone, Str(i, "customer_phone"))),
            Person = PersonOf(Str(i, "customer_name"), Obj(i, "customer_address")),
            Money = MoneyOf(i, amountField, Str(i, "currency") ?? "", status, created, FirstLineDescription(i), null),
            Attributes = Attrs(("stripe_object", "invoice"), ("subscription_id", subscription)),
        };
    }

    private static CanonicalRecord Subscription(JsonElement s, string id, DateTimeOffset created, DateTimeOffset updatedAt)
    {
        long? amount = null;
        string? currency = Str(s, "currency");
        string? product = null;
        if (s.TryGetProperty("items", out var items) && items.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                var price = Obj(item, "price");
                var unit = Long(price, "unit_amount");
                if (unit is not null)
                {
                    amount = (amount ?? 0) + (unit.Value * (Long(item, "quantity") ?? 1));
                }
                currency ??= Str(price, "currency");
                product ??= Str(price, "nickname") ?? Str(price, "product");
            }
        }
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Subscription,
            ExternalId = id,
            SourceUpdatedAt = updatedAt,
            Identifiers = Ids((IdentifierKinds.StripeCustomerId, Str(s, "customer"))),
            Money = amount is null || currency is null ? null : new MoneyFields
            {
                Amount = FromMinorUnits(amount.Value, currency),
                Currency = currency.ToUpperInvariant(),
                Status = Str(s, "status") ?? "unknown",
                OccurredAt = created,
                Product = product,
            },
            Attributes = Attrs(("stripe_object", "subscription"), ("cancel_at_period_end", Raw(s, "cancel_at_period_end"))),
        };
    }

    private static CanonicalRecord RefundOrDispute(JsonElement r, string id, DateTimeOffset created, DateTimeOffset updatedAt, string status) => new()
    {
        Source = Source,
        EntityType = EntityType.Transaction,
        ExternalId = id,
        SourceUpdatedAt = updatedAt,
        // A dispute names no customer, only the evidence the cardholder's bank was sent (email, name).
        Identifiers = Ids((IdentifierKinds.StripeCustomerId, Str(r, "customer")),
            (IdentifierKinds.Email, Str(Obj(r, "evidence"), "customer_email_address"))),
        Person = PersonOf(Str(Obj(r, "evidence"), "customer_name"), default),
        Money = MoneyOf(r, "amount", Str(r, "currency") ?? "", status, created, null, null),
        Attributes = Attrs(
            ("stripe_object", Str(r, "object")),
            ("charge_id", Str(r, "charge")),
            ("payment_intent_id", Str(r, "payment_intent")),
            ("stripe_status", Str(r, "status")),
            ("reason", Str(r, "reason"))),
    };

    private static CanonicalRecord CheckoutSession(JsonElement s, string id, DateTimeOffset created, DateTimeOffset updatedAt)
    {
        var details = Obj(s, "customer_details");
        var status = Str(s, "payment_status") ?? Str(s, "status") ?? "unknown";
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Purchase,
            ExternalId = id,
            SourceUpdatedAt = updatedAt,
            Identifiers = Ids(
                (IdentifierKinds.StripeCustomerId, Str(s, "customer")),
                (IdentifierKinds.Email, Str(details, "email") ?? Str(s, "customer_email")),
                (IdentifierKinds.Phone, Str(details, "phone"))),
            Person = PersonOf(Str(details, "name"), Obj(details, "address")),
            Money = MoneyOf(s, "amount_total", Str(s, "currency") ?? "", status, created, null, null),
            Attributes = Attrs(("stripe_object", "checkout.session"), ("payment_intent_id", Str(s, "payment_intent")),
                ("subscription_id", Str(s, "subscription"))),
        };
    }

    private static MoneyFields? MoneyOf(JsonElement obj, string amountField, string currency, string status, DateTimeOffset occurredAt,
        string? product, long? refunded)
    {
        // Minor units: a whole number (the SDK's money reader also accepts it written as a string).
        var read = MoneyReader.Read(obj, amountField).Amount;
        long? amount = read is { } whole && whole == decimal.Truncate(whole) ? (long)whole : null;
        if (amount is null || string.IsNullOrEmpty(currency))
        {
            return null;
        }
        return new MoneyFields
        {
            Amount = FromMinorUnits(amount.Value, currency),
            Currency = currency.ToUpperInvariant(),
            Status = status,
            OccurredAt = occurredAt,
            Product = product,
            AmountRefunded = refunded is > 0 ? FromMinorUnits(refunded.Value, currency) : null,
        };
    }

    private static PersonFields? PersonOf(string? name, JsonElement address)
    {
        var city = Str(address, "city");
        var state = Str(address, "state");
        var country = Str(address, "country");
        if (name is null && city is null && state is null && country is null)
        {
            return null;
        }
        var parts = name?.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new PersonFields
        {
            FullName = name,
            FirstName = parts is { Length: > 0 } ? parts[0] : null,
            LastName = parts is { Length: > 1 } ? parts[1] : null,
            City = city,
            State = state,
            Country = country,
        };
    }

    private static string? FirstLineDescription(JsonElement invoice)
    {
        if (invoice.TryGetProperty("lines", out var lines) && lines.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0)
        {
            return Str(data[0], "description");
        }
        return null;
    }

    private static List<Identifier> Ids(params (string Kind, string? Value)[] values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => new Identifier(v.Kind, v.Value!)).ToList();

    private static Dictionary<string, string?> Attrs(params (string Key, string? Value)[] values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value);
}
