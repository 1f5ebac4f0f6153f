using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Records;

namespace Platform.Connectors.PayPal.Mapping;

/// <summary>
/// PayPal objects to canonical records. Transaction Search rows are <see cref="EntityType.Transaction"/> records: money
/// as PayPal writes it (strings in major units, refunds and reversals negative and pointing at the payment through
/// <c>paypal_reference_id</c>), the status letter (S, P, D, V), the event code (T0006 payment, T1107 refund, T1106
/// reversal…) and the payer. Dates arrive as <c>2014-07-11T04:03:52+0000</c>. A row whose money cannot be read is
/// still staged (the payload is kept) without money and with <c>mapping_error</c> saying why, so the rest of the page
/// goes on and the failure can be found.
/// </summary>
public static class PayPalMapping
{
    public const string Source = "paypal";

    /// <summary>Maps one <c>transaction_details[]</c> element.</summary>
    public static CanonicalRecord Transaction(JsonElement detail)
    {
        var info = Obj(detail, "transaction_info");
        var id = Str(info, "transaction_id") ?? throw new JsonException("PayPal transaction has no transaction_info.transaction_id");
        var initiated = Date(info, "transaction_initiation_date") ?? throw new JsonException($"PayPal transaction {id} has no transaction_initiation_date");
        var updated = Date(info, "transaction_updated_date") ?? initiated;
        var payer = Obj(detail, "payer_info");
        var name = Obj(payer, "payer_name");
        var phone = Obj(payer, "phone_number");
        var attributes = new Dictionary<string, string?>
        {
            ["paypal_reference_id"] = Str(info, "paypal_reference_id"),
            ["paypal_reference_id_type"] = Str(info, "paypal_reference_id_type"),
            ["transaction_event_code"] = Str(info, "transaction_event_code"),
            ["transaction_status"] = Str(info, "transaction_status"),
            ["invoice_id"] = Str(info, "invoice_id"),
            ["custom_field"] = Str(info, "custom_field"),
            ["paypal_account_id"] = Str(info, "paypal_account_id"),
        };
        MoneyFields? money = null;
        var amount = Obj(info, "transaction_amount");
        var currency = Str(amount, "currency_code");
        if (Money(amount, "value", out var value, out var problem) && currency is { Length: 3 })
        {
            money = new MoneyFields
            {
                Amount = value,
                Currency = currency.ToUpperInvariant(),
                Status = Str(info, "transaction_status") ?? "P",
                OccurredAt = initiated,
                Product = Str(info, "transaction_subject") ?? FirstItem(detail),
            };
            var fee = Obj(info, "fee_amount");
            if (Money(fee, "value", out var feeValue, out _))
            {
                attributes["fee_amount"] = feeValue.ToString(CultureInfo.InvariantCulture);
            }
        }
        else
        {
            attributes["mapping_error"] = currency is { Length: 3 }
                ? $"transaction_info.transaction_amount.value {problem}"
                : "transaction_info.transaction_amount.currency_code is missing or not an ISO 4217 code";
        }
        var given = Str(name, "given_name");
        var surname = Str(name, "surname");
        var full = Str(name, "alternate_full_name") ?? Str(name, "full_name") ?? Join(given, surname);
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Transaction,
            ExternalId = id,
            SourceUpdatedAt = updated,
            Identifiers = Ids(
                (IdentifierKinds.PaypalPayerId, Str(payer, "account_id")),
                (IdentifierKinds.Email, Str(payer, "email_address")),
                (IdentifierKinds.Phone, PhoneOf(phone))),
            Person = full is null && given is null ? null : new PersonFields
            {
                FullName = full,
                FirstName = given,
                LastName = surname,
                Country = Str(payer, "country_code"),
            },
            Money = money,
            Attributes = Clean(attributes),
        };
    }

    /// <summary>A subscription (<c>GET /v1/billing/subscriptions/{id}</c>).</summary>
    public static CanonicalRecord Subscription(JsonElement s)
    {
        var id = Str(s, "id") ?? throw new JsonException("PayPal subscription has no id");
        var subscriber = Obj(s, "subscriber");
        var name = Obj(subscriber, "name");
        var started = Date(s, "start_time") ?? Date(s, "create_time") ?? throw new JsonException($"PayPal subscription {id} has no start_time");
        var last = Obj(Obj(Obj(s, "billing_info"), "last_payment"), "amount");
        MoneyFields? money = null;
        if (Money(last, "value", out var value, out _) && Str(last, "currency_code") is { Length: 3 } currency)
        {
            money = new MoneyFields
            {
                Amount = value,
                Currency = currency.ToUpperInvariant(),
                Status = (Str(s, "status") ?? "UNKNOWN").ToLowerInvariant(),
                OccurredAt = started,
                Product = Str(s, "plan_id"),
            };
        }
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Subscription,
            ExternalId = id,
            SourceUpdatedAt = Date(s, "update_time") ?? started,
            Identifiers = Ids(
                (IdentifierKinds.PaypalPayerId, Str(subscriber, "payer_id")),
                (IdentifierKinds.Email, Str(subscriber, "email_address"))),
            Person = Str(name, "given_name") is null && Str(name, "surname") is null ? null : new PersonFields
            {
                FullName = Join(Str(name, "given_name"), Str(name, "surname")),
                FirstName = Str(name, "given_name"),
                LastName = Str(name, "surname"),
            },
            Money = money,
            Attributes = Clean(new Dictionary<string, string?>
            {
                ["plan_id"] = Str(s, "plan_id"),
                ["subscription_status"] = Str(s, "status"),
            }),
        };
    }

    /// <summary>
    /// A webhook event: captures (PAYMENT.CAPTURE.COMPLETED/DENIED/PENDING) and their refunds and reversals
    /// (PAYMENT.CAPTURE.REFUNDED/REVERSED, whose resource is a refund pointing at the capture through its <c>up</c>
    /// link) as transactions under the same ids Transaction Search uses; null for other events.
    /// </summary>
    public static CanonicalRecord? Webhook(JsonElement evt)
    {
        var type = Str(evt, "event_type");
        var resource = Obj(evt, "resource");
        if (type is null || resource.ValueKind != JsonValueKind.Object || !type.StartsWith("PAYMENT.CAPTURE.", StringComparison.Ordinal))
        {
            return null;
        }
        var id = Str(resource, "id") ?? throw new JsonException($"PayPal {type} event has no resource.id");
        var at = Date(resource, "update_time") ?? Date(resource, "create_time") ?? Date(evt, "create_time")
            ?? throw new JsonException($"PayPal {type} event has no create_time");
        var amount = Obj(resource, "amount");
        if (!Money(amount, "value", out var value, out var problem) || Str(amount, "currency_code") is not { Length: 3 } currency)
        {
            throw new JsonException($"PayPal {type} event: resource.amount.value {problem ?? "or currency_code is missing"}");
        }
        var reverse = type is "PAYMENT.CAPTURE.REFUNDED" or "PAYMENT.CAPTURE.REVERSED";
        var parent = reverse ? UpLink(resource) : null;
        var status = type switch
        {
            "PAYMENT.CAPTURE.COMPLETED" => "S",
            "PAYMENT.CAPTURE.PENDING" => "P",
            "PAYMENT.CAPTURE.DENIED" or "PAYMENT.CAPTURE.DECLINED" => "D",
            _ => "S",
        };
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Transaction,
            ExternalId = id,
            SourceUpdatedAt = at,
            Identifiers = Ids(
                (IdentifierKinds.PaypalPayerId, Str(Obj(resource, "payer"), "payer_id")),
                (IdentifierKinds.Email, Str(Obj(resource, "payer"), "email_address"))),
            Money = new MoneyFields
            {
                Amount = reverse ? -Math.Abs(value) : value,
                Currency = currency.ToUpperInvariant(),
                Status = status,
                OccurredAt = Date(resource, "create_time") ?? at,
            },
            Attributes = Clean(new Dictionary<string, string?>
            {
                ["paypal_reference_id"] = parent,
                ["paypal_reference_id_type"] = parent is null ? null : "TXN",
                ["transaction_event_code"] = type switch
                {
                    "PAYMENT.CAPTURE.REFUNDED" => "T1107",
                    "PAYMENT.CAPTURE.REVERSED" => "T1106",
                    _ => "T0006",
                },
                ["transaction_status"] = status,
                ["invoice_id"] = Str(resource, "invoice_id"),
                ["webhook_event_type"] = type,
            }),
        };
    }

    /// <summary>
    /// PayPal's reporting dates: <c>2014-07-11T04:03:52+0000</c> (offset without a colon), and RFC 3339 elsewhere
    /// (<c>2013-06-25T21:41:28Z</c>, <c>…-03:00</c>).
    /// </summary>
    public static DateTimeOffset? ParseDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        text = text.Trim();
        if (text.Length >= 5 && text[^5] is '+' or '-' && char.IsAsciiDigit(text[^4]) && char.IsAsciiDigit(text[^1]) && text[^3] != ':')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }
        return DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw new FormatException($"'{text}' is not a PayPal date (yyyy-MM-ddTHH:mm:ss+0000)");
    }

    private static readonly string[] DateFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>
    /// PayPal money: a string in major units with a dot (<c>"-30.00"</c>), or a number. Thousands separators, commas
    /// and anything else are refused with the reason, never guessed.
    /// </summary>
    public static bool Money(JsonElement obj, string name, out decimal value, out string? problem)
    {
        value = 0m;
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            problem = "is missing";
            return false;
        }
        if (element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetDecimal();
            problem = null;
            return true;
        }
        var text = element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.GetRawText();
        var plain = text.Length > 0 && text.Length <= 24 && text.Select((c, i) => char.IsAsciiDigit(c) || (c == '.') || (c == '-' && i == 0)).All(ok => ok)
            && text.Count(c => c == '.') <= 1 && text.Any(char.IsAsciiDigit);
        if (plain && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            problem = null;
            return true;
        }
        problem = $"'{text}' is not an amount (digits with an optional dot and sign)";
        return false;
    }

    private static string? UpLink(JsonElement resource)
    {
        if (!resource.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (var link in links.EnumerateArray())
        {
            if (Str(link, "rel") == "up" && Str(link, "href") is { } href)
            {
                return href.TrimEnd('/').Split('/')[^1];
            }
        }
        return null;
    }

    private static string? PhoneOf(JsonElement phone)
    {
        var national = Str(phone, "national_number");
        if (national is null)
        {
            return null;
        }
        return Str(phone, "country_code") is { } country ? $"+{country.TrimStart('+')}{national}" : national;
    }

    private static string? FirstItem(JsonElement detail)
    {
        var cart = Obj(detail, "cart_info");
        return cart.ValueKind == JsonValueKind.Object && cart.TryGetProperty("item_details", out var items) && items.ValueKind == JsonValueKind.Array
            && items.GetArrayLength() > 0 ? Str(items[0], "item_name") : null;
    }

    private static string? Join(string? first, string? last) =>
        first is null && last is null ? null : string.Join(' ', new[] { first, last }.Where(s => s is not null));

    private static List<Identifier> Ids(params (string Kind, string? Value)[] values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => new Identifier(v.Kind, v.Value!.Trim())).ToList();

    private static Dictionary<string, string?> Clean(Dictionary<string, string?> attributes) =>
        attributes.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value);

    private static JsonElement Obj(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    private static string? Str(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;

    private static DateTimeOffset? Date(JsonElement obj, string name) => ParseDate(Str(obj, name));
}
