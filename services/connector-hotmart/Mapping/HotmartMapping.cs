using System.Globalization;
using System.Text.Json;
using Platform.Connectors.Hotmart.Api;
using Platform.Connectors.Json;
using Platform.Contracts.Records;
using static Platform.Connectors.Json.JsonFields;

namespace Platform.Connectors.Hotmart.Mapping;

/// <summary>A mapped Hotmart record and the stream it belongs to.</summary>
public sealed record HotmartRecord(string Stream, CanonicalRecord Record);

/// <summary>
/// Hotmart postbacks (v2.0.0) and sales-history items to canonical records. A sale is the same shape in both
/// (<c>product</c>, <c>buyer</c>, <c>purchase</c>), so one function maps it; the postback's spellings of statuses
/// (<c>COMPLETED</c>, <c>CANCELED</c>, <c>DISPUTE</c>) are normalised to the sales API's, so one sale reads the same
/// whichever way it arrived.
/// </summary>
public static class HotmartMapping
{
    public const string Source = "hotmart";

    /// <summary>Streams: <c>sales</c> is also the backfill stream; the others only arrive as postbacks.</summary>
    public const string SalesStream = "sales";
    public const string AbandonedCartsStream = "abandoned_carts";
    public const string SubscriptionsStream = "subscriptions";
    public const string ClubStream = "club";

    /// <summary>Status of an abandoned cart (<c>PURCHASE_OUT_OF_SHOPPING_CART</c>), which Hotmart gives none.</summary>
    public const string AbandonedStatus = "abandoned";

    /// <summary>Postback spellings seen in real deliveries → the sales API's enum.</summary>
    private static readonly Dictionary<string, string> PostbackStatuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["COMPLETED"] = "COMPLETE",
        ["CANCELED"] = "CANCELLED",
        ["DISPUTE"] = "PROTESTED",
    };

    /// <summary>The status a purchase event implies, for deliveries without <c>purchase.status</c>.</summary>
    private static readonly Dictionary<string, string> EventStatuses = new(StringComparer.Ordinal)
    {
        ["PURCHASE_APPROVED"] = "APPROVED",
        ["PURCHASE_COMPLETE"] = "COMPLETE",
        ["PURCHASE_CANCELED"] = "CANCELLED",
        ["PURCHASE_REFUNDED"] = "REFUNDED",
        ["PURCHASE_CHARGEBACK"] = "CHARGEBACK",
        ["PURCHASE_PROTEST"] = "PROTESTED",
        ["PURCHASE_EXPIRED"] = "EXPIRED",
        ["PURCHASE_BILLET_PRINTED"] = "PRINTED_BILLET",
        ["PURCHASE_DELAYED"] = "DELAYED",
    };

    /// <summary>
    /// When Hotmart created a postback: <c>creation_date</c> in epoch milliseconds (<c>creationDate</c> in the
    /// CLUB_FIRST_ACCESS delivery); null when absent.
    /// </summary>
    public static DateTimeOffset? EventCreatedAt(JsonElement envelope) =>
        UnixMilliseconds(envelope, "creation_date") ?? UnixMilliseconds(envelope, "creationDate");

    /// <summary>
    /// Maps one postback; null for events the platform does not use (or an abandoned cart with no buyer data).
    /// Throws <see cref="JsonException"/> naming the field when the envelope or a required field is missing.
    /// </summary>
    public static HotmartRecord? MapEvent(JsonElement envelope)
    {
        var id = Str(envelope, "id") ?? throw new JsonException("the postback has no \"id\"");
        var eventName = Str(envelope, "event") ?? throw new JsonException("the postback has no \"event\"");
        var createdAt = EventCreatedAt(envelope) ?? throw new JsonException("the postback has no \"creation_date\"");
        var data = Obj(envelope, "data");
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the postback has no \"data\" object");
        }
        return eventName switch
        {
            "PURCHASE_OUT_OF_SHOPPING_CART" or "CART_ABANDONMENT" => AbandonedCart(data, id, eventName, createdAt),
            "SUBSCRIPTION_CANCELLATION" => SubscriptionCancellation(data, eventName, createdAt),
            "SWITCH_PLAN" => SwitchPlan(data, eventName, createdAt),
            "UPDATE_SUBSCRIPTION_CHARGE_DATE" or "SUBSCRIPTION_BILLING_DATE_CHANGE" => ChargeDateChange(data, eventName, createdAt),
            "CLUB_FIRST_ACCESS" or "CLUB_MODULE_COMPLETED" => ClubActivity(data, id, eventName, createdAt),
            // Every purchase event (and any new one that carries a sale, such as ORDER_FULFILLMENT) maps as a sale.
            _ when Str(Obj(data, "purchase"), "transaction") is not null =>
                new HotmartRecord(SalesStream, Sale(data, createdAt, eventName, participant: null)),
            _ => null,
        };
    }

    /// <summary>
    /// Maps one <c>sales/history</c> item, with its buyer's <c>sales/users</c> details when known; null for an item
    /// without a transaction code. The API has no change time, so <paramref name="readAt"/> orders versions: the
    /// status is the one Hotmart reported at that moment.
    /// </summary>
    public static CanonicalRecord? MapSale(JsonElement item, HotmartUser? participant, DateTimeOffset readAt) =>
        Str(Obj(item, "purchase"), "transaction") is null ? null : Sale(item, readAt, eventName: null, participant);

    /// <summary>The sales API's status for a status as a postback spelled it.</summary>
    public static string NormalizeStatus(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return PostbackStatuses.TryGetValue(status, out var normalized) ? normalized : status.ToUpperInvariant();
    }

    private static CanonicalRecord Sale(JsonElement sale, DateTimeOffset updatedAt, string? eventName, HotmartUser? participant)
    {
        var purchase = Obj(sale, "purchase");
        var transaction = Str(purchase, "transaction")!;
        var product = Obj(sale, "product");
        var buyer = Obj(sale, "buyer");
        var price = Obj(purchase, "price");
        var payment = Obj(purchase, "payment");
        var offer = Obj(purchase, "offer");
        var orderBump = Obj(purchase, "order_bump");
        var tracking = Obj(purchase, "tracking");
        var origin = Obj(purchase, "origin");
        // The postback has data.subscription{status, plan, subscriber{code}}; older documentation puts it in purchase.
        var subscription = Obj(sale, "subscription");
        var purchaseSubscription = Obj(purchase, "subscription");
        var plan = Obj(subscription, "plan").ValueKind == JsonValueKind.Object ? Obj(subscription, "plan") : Obj(purchaseSubscription, "plan");

        var statusAsSent = Str(purchase, "status");
        var status = statusAsSent is not null ? NormalizeStatus(statusAsSent)
            : eventName is not null && EventStatuses.TryGetValue(eventName, out var implied) ? implied
            : "UNKNOWN";
        var amount = MoneyReader.Read(price, "value");
        var currency = Str(price, "currency_value") ?? Str(price, "currency_code");
        var productName = Str(product, "name");

        var identifiers = new List<Identifier>();
        AddBuyerIdentifiers(identifiers, buyer);
        AddParticipantIdentifiers(identifiers, participant);
        var isCompany = identifiers.Any(i => i.Kind == IdentifierKinds.Cnpj);
        var name = Str(buyer, "name") ?? participant?.Name;

        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Purchase,
            ExternalId = transaction,
            SourceUpdatedAt = updatedAt,
            Identifiers = Distinct(identifiers),
            Person = BuyerPerson(buyer, participant, Obj(purchase, "checkout_country")),
            Company = isCompany && name is not null ? new CompanyFields { Name = name } : null,
            Money = amount.Amount is null || string.IsNullOrEmpty(currency) ? null : new MoneyFields
            {
                Amount = amount.Amount.Value,
                Currency = currency.ToUpperInvariant(),
                Status = status,
                OccurredAt = UnixMilliseconds(purchase, "approved_date") ?? UnixMilliseconds(purchase, "order_date") ?? updatedAt,
                Product = productName,
            },
            Attributes = Attrs(
                ("event", eventName),
                (MoneyReader.FlagAttribute, amount.Problem is null ? null : "purchase.price." + amount.Problem),
                ("status_as_sent", statusAsSent is not null && statusAsSent != status ? statusAsSent : null),
                ("product_id", Raw(product, "id")),
                ("product_name", productName),
                ("offer_code", Str(offer, "code")),
                ("coupon_code", Str(offer, "coupon_code")),
                ("payment_type", Str(payment, "type")),
                ("payment_method", Str(payment, "method")),
                ("installments", Raw(payment, "installments_number")),
                ("order_bump", Raw(orderBump, "is_order_bump")),
                ("order_bump_parent_transaction", Str(orderBump, "parent_purchase_transaction")),
                ("is_subscription", Raw(purchase, "is_subscription")),
                ("recurrence_number", Raw(purchase, "recurrence_number") ?? Raw(purchase, "recurrency_number")),
                ("subscriber_code", Str(Obj(subscription, "subscriber"), "code") ?? Str(purchaseSubscription, "subscriber_code")),
                ("subscription_status", Str(subscription, "status") ?? Str(purchaseSubscription, "status")),
                ("plan_id", Raw(plan, "id")),
                ("plan_name", Str(plan, "name")),
                ("affiliate_code", FirstAffiliateCode(sale)),
                ("commission_as", Str(purchase, "commission_as")),
                ("tracking_source", Str(tracking, "source") ?? Str(origin, "src")),
                ("tracking_sck", Str(tracking, "source_sck") ?? Str(origin, "sck")),
                ("tracking_external_code", Str(tracking, "external_code") ?? Str(origin, "xcod")),
                ("order_date", Raw(purchase, "order_date")),
                ("approved_date", Raw(purchase, "approved_date")),
                ("warranty_expire_date", Raw(purchase, "warranty_expire_date"))),
        };
    }

    /// <summary>
    /// An abandoned checkout: a purchase with status <see cref="AbandonedStatus"/> and no money fields (Hotmart sends
    /// no price), keyed by the event id. Null when the lead left no name, email or phone.
    /// </summary>
    private static HotmartRecord? AbandonedCart(JsonElement data, string eventId, string eventName, DateTimeOffset createdAt)
    {
        var buyer = Obj(data, "buyer");
        var identifiers = new List<Identifier>();
        AddBuyerIdentifiers(identifiers, buyer);
        var name = Str(buyer, "name");
        if (identifiers.Count == 0 && name is null)
        {
            return null;
        }
        var product = Obj(data, "product");
        var country = Obj(data, "checkout_country");
        return new HotmartRecord(AbandonedCartsStream, new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Purchase,
            ExternalId = "cart:" + eventId,
            SourceUpdatedAt = createdAt,
            Identifiers = Distinct(identifiers),
            Person = PersonOf(name, Str(buyer, "first_name"), Str(buyer, "last_name"), null, null, IsoCountry(Str(country, "iso"))),
            Attributes = Attrs(
                ("event", eventName),
                ("status", AbandonedStatus),
                ("product_id", Raw(product, "id")),
                ("product_name", Str(product, "name")),
                ("offer_code", Str(Obj(data, "offer"), "code")),
                ("checkout_country", Str(country, "iso"))),
        });
    }

    private static HotmartRecord SubscriptionCancellation(JsonElement data, string eventName, DateTimeOffset createdAt)
    {
        var subscriber = Obj(data, "subscriber");
        var subscription = Obj(data, "subscription");
        var plan = Obj(subscription, "plan");
        var product = Obj(data, "product");
        var identifiers = new List<Identifier>();
        Add(identifiers, IdentifierKinds.Email, Str(subscriber, "email"));
        var phones = Obj(subscriber, "phone");
        Add(identifiers, IdentifierKinds.Phone, Join(Str(phones, "dddCell"), Str(phones, "cell")));
        Add(identifiers, IdentifierKinds.Phone, Join(Str(phones, "dddPhone"), Str(phones, "phone")));
        return Subscription(
            Str(subscriber, "code") ?? Str(data, "subscriber_code"), createdAt, identifiers, Str(subscriber, "name"),
            ("event", eventName),
            // The delivery carries no status; the event is the cancellation.
            ("subscription_status", Str(data, "status") ?? "CANCELLED"),
            ("subscription_id", Raw(subscription, "id") ?? Raw(data, "subscription_id")),
            ("plan_id", Raw(plan, "id")),
            ("plan_name", Str(plan, "name")),
            ("product_id", Raw(product, "id")),
            ("product_name", Str(product, "name")),
            ("cancellation_date", Raw(data, "cancellation_date")),
            ("date_next_charge", Raw(data, "date_next_charge")),
            ("recurrence_value", Raw(data, "actual_recurrence_value")));
    }

    private static HotmartRecord SwitchPlan(JsonElement data, string eventName, DateTimeOffset createdAt)
    {
        var subscription = Obj(data, "subscription");
        var current = Obj(data, "new_plan");
        var previous = Obj(data, "old_plan");
        if (data.TryGetProperty("plans", out var plans) && plans.ValueKind == JsonValueKind.Array)
        {
            foreach (var plan in plans.EnumerateArray())
            {
                if (Bool(plan, "current") == true)
                {
                    current = plan;
                }
                else if (previous.ValueKind != JsonValueKind.Object)
                {
                    previous = plan;
                }
            }
        }
        var product = Obj(subscription, "product").ValueKind == JsonValueKind.Object ? Obj(subscription, "product") : Obj(data, "product");
        var identifiers = new List<Identifier>();
        Add(identifiers, IdentifierKinds.Email, Str(Obj(subscription, "user"), "email") ?? Str(Obj(data, "subscriber"), "email"));
        return Subscription(
            Str(subscription, "subscriber_code") ?? Str(data, "subscriber_code"), createdAt, identifiers, Str(Obj(data, "subscriber"), "name"),
            ("event", eventName),
            ("subscription_status", Str(subscription, "status")),
            ("plan_id", Raw(current, "id")),
            ("plan_name", Str(current, "name")),
            ("offer_code", Str(Obj(current, "offer"), "key") ?? Str(Obj(current, "offer"), "code")),
            ("previous_plan_id", Raw(previous, "id")),
            ("previous_plan_name", Str(previous, "name")),
            ("product_id", Raw(product, "id")),
            ("product_name", Str(product, "name")),
            ("switch_plan_date", Raw(data, "switch_plan_date")));
    }

    private static HotmartRecord ChargeDateChange(JsonElement data, string eventName, DateTimeOffset createdAt)
    {
        var subscriber = Obj(data, "subscriber");
        var subscription = Obj(data, "subscription");
        var plan = Obj(data, "plan");
        var product = Obj(subscription, "product");
        var identifiers = new List<Identifier>();
        Add(identifiers, IdentifierKinds.Email, Str(subscriber, "email"));
        return Subscription(
            Str(subscriber, "code") ?? Str(data, "subscriber_code"), createdAt, identifiers, Str(subscriber, "name"),
            ("event", eventName),
            ("subscription_status", Str(subscription, "status")),
            ("old_charge_day", Raw(subscription, "old_charge_day")),
            ("new_charge_day", Raw(subscription, "new_charge_day")),
            // An ISO string in this event, epoch milliseconds in SUBSCRIPTION_CANCELLATION: kept as sent.
            ("date_next_charge", Raw(subscription, "date_next_charge") ?? Raw(data, "new_date_next_charge")),
            ("plan_id", Raw(plan, "id")),
            ("plan_name", Str(plan, "name")),
            ("offer_code", Str(Obj(plan, "offer"), "code")),
            ("product_id", Raw(product, "id")),
            ("product_name", Str(product, "name")));
    }

    private static HotmartRecord Subscription(string? subscriberCode, DateTimeOffset createdAt, List<Identifier> identifiers, string? name,
        params (string Key, string? Value)[] attributes)
    {
        if (string.IsNullOrEmpty(subscriberCode))
        {
            throw new JsonException("the subscription event has no subscriber code (data.subscriber.code or data.subscription.subscriber_code)");
        }
        // Hotmart sends no currency with subscription events, so they carry no money fields.
        return new HotmartRecord(SubscriptionsStream, new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Subscription,
            ExternalId = subscriberCode,
            SourceUpdatedAt = createdAt,
            Identifiers = Distinct(identifiers),
            Person = PersonOf(name, null, null, null, null, null),
            Attributes = Attrs([("subscriber_code", subscriberCode), .. attributes]),
        });
    }

    /// <summary>
    /// Members-area activity of a student: <see cref="EntityType.Enrichment"/>, because a member is a buyer the
    /// platform already knows from the sale, and activity alone should never create a client. Keyed by event id.
    /// </summary>
    private static HotmartRecord ClubActivity(JsonElement data, string eventId, string eventName, DateTimeOffset createdAt)
    {
        var user = Obj(data, "user").ValueKind == JsonValueKind.Object ? Obj(data, "user") : Obj(data, "subscriber");
        var product = Obj(data, "product");
        var module = Obj(data, "module");
        var identifiers = new List<Identifier>();
        Add(identifiers, IdentifierKinds.Email, Str(user, "email"));
        return new HotmartRecord(ClubStream, new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Enrichment,
            ExternalId = "club:" + eventId,
            SourceUpdatedAt = createdAt,
            Identifiers = identifiers,
            Person = PersonOf(Str(user, "name"), null, null, null, null, null),
            Attributes = Attrs(
                ("event", eventName),
                ("product_id", Raw(product, "id")),
                ("product_name", Str(product, "name")),
                ("module_id", Raw(module, "id") ?? Raw(data, "module_id")),
                ("module_name", Str(module, "name") ?? Str(data, "module_name"))),
        });
    }

    /// <summary>Email, phone, tax document and ucode of a postback or sales-history buyer.</summary>
    private static void AddBuyerIdentifiers(List<Identifier> identifiers, JsonElement buyer)
    {
        Add(identifiers, IdentifierKinds.Email, Str(buyer, "email"));
        Add(identifiers, IdentifierKinds.Phone, CheckoutPhone(Raw(buyer, "checkout_phone_code"), Raw(buyer, "checkout_phone")));
        Add(identifiers, IdentifierKinds.Phone, Raw(buyer, "phone"));
        var document = Raw(buyer, "document");
        if (KindOfDocument(document, Str(buyer, "document_type")) is { } kind)
        {
            Add(identifiers, kind, document);
        }
        Add(identifiers, IdentifierKinds.HotmartBuyerId, Str(buyer, "ucode"));
    }

    /// <summary>What <c>sales/users</c> adds about the buyer: phones and documents the sales history lacks.</summary>
    private static void AddParticipantIdentifiers(List<Identifier> identifiers, HotmartUser? participant)
    {
        if (participant is null)
        {
            return;
        }
        Add(identifiers, IdentifierKinds.Email, participant.Email);
        Add(identifiers, IdentifierKinds.Phone, participant.Cellphone);
        Add(identifiers, IdentifierKinds.Phone, participant.Phone);
        foreach (var document in participant.Documents ?? [])
        {
            if (KindOfDocument(document.Value, document.Type) is { } kind)
            {
                Add(identifiers, kind, document.Value);
            }
        }
        Add(identifiers, IdentifierKinds.HotmartBuyerId, participant.Ucode);
    }

    /// <summary>
    /// The checkout's phone from <c>checkout_phone_code</c> and <c>checkout_phone</c>. Hotmart's test deliveries send
    /// <c>"999999999"</c> and <c>"99999999900"</c>: the "code" is then a prefix of the number, which is used alone. A
    /// short code before a full national number (10+ digits) is a country calling code (+55…); before a shorter
    /// number it is the area code (DDD). Identity resolution normalises the result to E.164.
    /// </summary>
    public static string? CheckoutPhone(string? code, string? number)
    {
        var digits = Digits(number);
        if (digits.Length == 0)
        {
            return null;
        }
        var prefix = Digits(code);
        if (prefix.Length == 0 || digits.StartsWith(prefix, StringComparison.Ordinal))
        {
            return digits;
        }
        return prefix.Length <= 3 && digits.Length >= 10 ? "+" + prefix + digits : prefix + digits;
    }

    /// <summary>cpf or cnpj from the document type Hotmart gives, or from the digit count when it gives none.</summary>
    private static string? KindOfDocument(string? value, string? type)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (type is not null)
        {
            return type.ToUpperInvariant() switch
            {
                "CPF" => IdentifierKinds.Cpf,
                "CNPJ" => IdentifierKinds.Cnpj,
                _ => null,
            };
        }
        return Digits(value).Length switch
        {
            11 => IdentifierKinds.Cpf,
            14 => IdentifierKinds.Cnpj,
            _ => null,
        };
    }

    private static PersonFields? BuyerPerson(JsonElement buyer, HotmartUser? participant, JsonElement checkoutCountry)
    {
        var address = Obj(buyer, "address");
        return PersonOf(
            Str(buyer, "name") ?? participant?.Name,
            Str(buyer, "first_name"),
            Str(buyer, "last_name"),
            Str(address, "city") ?? participant?.Address?.City,
            Str(address, "state") ?? participant?.Address?.State,
            IsoCountry(Str(address, "country_iso")) ?? IsoCountry(participant?.Address?.CountryIso)
                ?? IsoCountry(participant?.Address?.Country) ?? IsoCountry(Str(checkoutCountry, "iso")));
    }

    private static PersonFields? PersonOf(string? name, string? first, string? last, string? city, string? state, string? country)
    {
        if (name is null && first is null && last is null && city is null && state is null && country is null)
        {
            return null;
        }
        var parts = name?.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new PersonFields
        {
            FullName = name ?? (first is null && last is null ? null : $"{first} {last}".Trim()),
            FirstName = first ?? (parts is { Length: > 0 } ? parts[0] : null),
            LastName = last ?? (parts is { Length: > 1 } ? parts[1] : null),
            City = city,
            State = state,
            Country = country,
        };
    }

    /// <summary>An ISO 3166 alpha-2 code, upper case; null for country names ("Brasil").</summary>
    private static string? IsoCountry(string? value) =>
        value is { Length: 2 } && value.All(char.IsAsciiLetter) ? value.ToUpperInvariant() : null;

    private static string? FirstAffiliateCode(JsonElement sale)
    {
        if (sale.TryGetProperty("affiliates", out var affiliates) && affiliates.ValueKind == JsonValueKind.Array)
        {
            foreach (var affiliate in affiliates.EnumerateArray())
            {
                if (Str(affiliate, "affiliate_code") is { } code)
                {
                    return code;
                }
            }
        }
        return null;
    }

    private static string? Join(string? area, string? number) =>
        string.IsNullOrWhiteSpace(number) ? null : (area ?? "").Trim() + number.Trim();

    private static string Digits(string? value) => value is null ? "" : new string(value.Where(char.IsAsciiDigit).ToArray());

    private static void Add(List<Identifier> identifiers, string kind, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            identifiers.Add(new Identifier(kind, value.Trim()));
        }
    }

    private static List<Identifier> Distinct(List<Identifier> identifiers) =>
        identifiers.DistinctBy(i => (i.Kind, i.Value.ToUpperInvariant())).ToList();

    private static Dictionary<string, string?> Attrs(params (string Key, string? Value)[] values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value);
}
