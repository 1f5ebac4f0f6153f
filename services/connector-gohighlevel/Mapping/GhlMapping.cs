using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Records;

namespace Platform.Connectors.GoHighLevel.Mapping;

/// <summary>
/// GoHighLevel objects to canonical records: contacts (search results and Contact* webhooks), opportunities (search
/// results and Opportunity* webhooks), paid invoices and orders. Money arrives as numbers in major units; the location's
/// currency is the workspace's <c>Currency</c> setting where the object does not name one. A ContactDelete is a
/// tombstone: the contact's record with <c>deleted = true</c>, never a lost record.
/// </summary>
public static class GhlMapping
{
    public const string Source = "gohighlevel";

    /// <summary>The stream a record belongs to (webhooks stage into the same streams as syncs).</summary>
    public static string StreamOf(EntityType type) => type switch
    {
        EntityType.Contact => "contacts",
        EntityType.Deal => "opportunities",
        EntityType.Invoice => "invoices",
        _ => "orders",
    };

    /// <summary>
    /// Maps a contact. <paramref name="fieldKeys"/> names custom fields by id (the location's definitions); without it
    /// values are kept under their ids. <paramref name="changedAt"/> is the webhook's timestamp (a delivery carries no
    /// dateUpdated).
    /// </summary>
    public static CanonicalRecord Contact(JsonElement c, IReadOnlyDictionary<string, string>? fieldKeys = null, DateTimeOffset? changedAt = null,
        bool deleted = false)
    {
        var id = Str(c, "id") ?? throw new JsonException("GoHighLevel contact has no \"id\"");
        var updatedAt = Date(c, "dateUpdated") ?? changedAt ?? Date(c, "dateAdded") ?? throw new JsonException($"GoHighLevel contact {id} has no dateUpdated or dateAdded");
        var attributes = new Dictionary<string, string?>
        {
            ["location_id"] = Str(c, "locationId"),
            ["type"] = Str(c, "type"),
            ["source"] = Str(c, "source"),
            ["assigned_to"] = Str(c, "assignedTo"),
            ["company_name"] = Str(c, "companyName"),
            ["date_added"] = Str(c, "dateAdded"),
            ["dnd"] = Bool(c, "dnd") is { } dnd ? (dnd ? "true" : "false") : null,
            ["dnd_channels"] = DndChannels(c),
            ["tags"] = c.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array ? tags.GetRawText() : null,
        };
        if (deleted)
        {
            attributes["deleted"] = "true";
        }
        string? cpf = null;
        if (c.TryGetProperty("customFields", out var fields) && fields.ValueKind == JsonValueKind.Array)
        {
            foreach (var field in fields.EnumerateArray())
            {
                if (Str(field, "id") is not { } fieldId || !field.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                var key = fieldKeys?.GetValueOrDefault(fieldId) ?? fieldId;
                var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                attributes["cf." + key] = text;
                if (key is "contact.cpf" or "contact.cpf_cnpj" or "contact.documento")
                {
                    cpf = text;
                }
            }
        }
        var first = Str(c, "firstName");
        var last = Str(c, "lastName");
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Contact,
            ExternalId = id,
            SourceUpdatedAt = updatedAt,
            Identifiers = Ids(
                (IdentifierKinds.GhlContactId, id),
                (IdentifierKinds.Email, Str(c, "email")),
                (IdentifierKinds.Phone, Str(c, "phone")),
                (IdentifierKinds.Cpf, cpf)),
            Person = new PersonFields
            {
                FullName = Str(c, "name") ?? Join(first, last),
                FirstName = first,
                LastName = last,
                City = Str(c, "city"),
                State = Str(c, "state"),
                Country = Str(c, "country"),
            },
            Attributes = Clean(attributes),
        };
    }

    /// <summary>
    /// Maps an opportunity (search result: <c>createdAt</c>, <c>updatedAt</c>, a <c>contact</c> object; webhook:
    /// <c>dateAdded</c> and <c>contactId</c> only). Status open, won, lost or abandoned, as sent.
    /// </summary>
    public static CanonicalRecord Opportunity(JsonElement o, string currency, DateTimeOffset? changedAt = null)
    {
        var id = Str(o, "id") ?? throw new JsonException("GoHighLevel opportunity has no \"id\"");
        var created = Date(o, "createdAt") ?? Date(o, "dateAdded") ?? changedAt ?? throw new JsonException($"GoHighLevel opportunity {id} has no createdAt or dateAdded");
        var updated = Date(o, "updatedAt") ?? changedAt ?? created;
        var contact = Obj(o, "contact");
        var status = Str(o, "status") ?? "open";
        var value = Dec(o, "monetaryValue");
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Deal,
            ExternalId = id,
            SourceUpdatedAt = updated,
            Identifiers = Ids(
                (IdentifierKinds.GhlContactId, Str(o, "contactId") ?? Str(contact, "id")),
                (IdentifierKinds.Email, Str(contact, "email")),
                (IdentifierKinds.Phone, Str(contact, "phone"))),
            Person = Str(contact, "name") is { } name ? new PersonFields { FullName = name } : null,
            Money = new MoneyFields
            {
                Amount = value ?? 0m,
                Currency = currency,
                Status = status,
                OccurredAt = created,
                Product = Str(o, "name"),
            },
            Attributes = Clean(new Dictionary<string, string?>
            {
                ["status"] = status,
                ["pipeline_id"] = Str(o, "pipelineId"),
                ["pipeline_stage_id"] = Str(o, "pipelineStageId"),
                ["assigned_to"] = Str(o, "assignedTo"),
                ["source"] = Str(o, "source"),
                ["location_id"] = Str(o, "locationId"),
                ["monetary_value_missing"] = value is null ? "true" : null,
            }),
        };
    }

    /// <summary>An InvoicePaid delivery: the invoice, paid, with the contact's details.</summary>
    public static CanonicalRecord Invoice(JsonElement i, string currency)
    {
        var id = Str(i, "_id") ?? Str(i, "id") ?? throw new JsonException("GoHighLevel invoice has no \"_id\"");
        var contact = Obj(i, "contactDetails");
        var occurred = Date(i, "updatedAt") ?? Date(i, "createdAt") ?? throw new JsonException($"GoHighLevel invoice {id} has no updatedAt or createdAt");
        var amount = Dec(i, "amountPaid") ?? Dec(i, "total") ?? throw new JsonException($"GoHighLevel invoice {id} has no amountPaid or total");
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Invoice,
            ExternalId = id,
            SourceUpdatedAt = occurred,
            Identifiers = Ids(
                (IdentifierKinds.GhlContactId, Str(contact, "id")),
                (IdentifierKinds.Email, Str(contact, "email")),
                (IdentifierKinds.Phone, Str(contact, "phoneNo"))),
            Person = Str(contact, "name") is { } name ? new PersonFields { FullName = name, Country = Str(Obj(contact, "address"), "countryCode") } : null,
            Money = new MoneyFields
            {
                Amount = amount,
                Currency = (Str(i, "currency") ?? currency).ToUpperInvariant(),
                Status = Str(i, "status") ?? "paid",
                OccurredAt = occurred,
                Product = FirstItemName(i, "invoiceItems") ?? Str(i, "name"),
            },
            Attributes = Clean(new Dictionary<string, string?>
            {
                ["invoice_number"] = Str(i, "invoiceNumber"),
                ["location_id"] = Str(i, "altType") == "location" ? Str(i, "altId") : null,
                ["amount_due"] = Dec(i, "amountDue")?.ToString(CultureInfo.InvariantCulture),
            }),
        };
    }

    /// <summary>An OrderCreate delivery: a purchase with the buyer's snapshot.</summary>
    public static CanonicalRecord Order(JsonElement o, string currency)
    {
        var id = Str(o, "_id") ?? Str(o, "id") ?? throw new JsonException("GoHighLevel order has no \"_id\"");
        var snapshot = Obj(o, "contactSnapshot");
        var occurred = Date(o, "createdAt") ?? throw new JsonException($"GoHighLevel order {id} has no createdAt");
        var amount = Dec(o, "amount") ?? throw new JsonException($"GoHighLevel order {id} has no amount");
        var first = Str(snapshot, "firstName");
        var last = Str(snapshot, "lastName");
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Purchase,
            ExternalId = id,
            SourceUpdatedAt = Date(o, "updatedAt") ?? occurred,
            Identifiers = Ids(
                (IdentifierKinds.GhlContactId, Str(o, "contactId") ?? Str(snapshot, "id")),
                (IdentifierKinds.Email, Str(snapshot, "email")),
                (IdentifierKinds.Phone, Str(snapshot, "phone"))),
            Person = first is null && last is null ? null : new PersonFields
            {
                FullName = Join(first, last),
                FirstName = first,
                LastName = last,
                City = Str(snapshot, "city"),
                State = Str(snapshot, "state"),
                Country = Str(snapshot, "country"),
            },
            Money = new MoneyFields
            {
                Amount = amount,
                Currency = (Str(o, "currency") ?? currency).ToUpperInvariant(),
                Status = Str(o, "status") ?? "pending",
                OccurredAt = occurred,
                Product = FirstItemName(o, "items"),
            },
            Attributes = Clean(new Dictionary<string, string?>
            {
                ["fulfillment_status"] = Str(o, "fulfillmentStatus"),
                ["location_id"] = Str(o, "locationId") ?? Str(o, "altId"),
                ["order_source"] = Str(Obj(o, "source"), "name"),
            }),
        };
    }

    /// <summary>
    /// What a webhook body is: its <c>type</c>, or for the deliveries that carry none (InvoicePaid, as documented) the
    /// shape: an invoice number and a paid status.
    /// </summary>
    public static string? TypeOf(JsonElement body) =>
        Str(body, "type") ?? (Str(body, "invoiceNumber") is not null && Str(body, "status") == "paid" ? "InvoicePaid" : null);

    /// <summary>The location a delivery is for (<c>locationId</c>, or <c>altId</c> when <c>altType</c> is location).</summary>
    public static string? LocationOf(JsonElement body) =>
        Str(body, "locationId") ?? (Str(body, "altType") == "location" ? Str(body, "altId") : null);

    /// <summary>Maps a webhook body; null for types the platform does not use.</summary>
    public static CanonicalRecord? Webhook(JsonElement body, string currency, DateTimeOffset? changedAt)
    {
        var type = TypeOf(body);
        return type switch
        {
            "ContactCreate" or "ContactUpdate" or "ContactTagUpdate" or "ContactDndUpdate" => Contact(body, null, changedAt),
            "ContactDelete" => Contact(body, null, changedAt, deleted: true) with { SourceUpdatedAt = changedAt ?? DateTimeOffset.UtcNow },
            "OpportunityCreate" or "OpportunityUpdate" or "OpportunityStatusUpdate" or "OpportunityMonetaryValueUpdate"
                or "OpportunityStageUpdate" or "OpportunityAssignedToUpdate" => Opportunity(body, currency, changedAt) with
                {
                    SourceUpdatedAt = changedAt ?? Date(body, "dateAdded") ?? DateTimeOffset.UtcNow,
                },
            "OpportunityDelete" => Opportunity(body, currency, changedAt) with
            {
                SourceUpdatedAt = changedAt ?? DateTimeOffset.UtcNow,
                Attributes = new Dictionary<string, string?>(Opportunity(body, currency, changedAt).Attributes) { ["deleted"] = "true" },
            },
            "InvoicePaid" => Invoice(body, currency),
            "OrderCreate" => Order(body, currency),
            _ => null,
        };
    }

    private static string? DndChannels(JsonElement c)
    {
        var settings = Obj(c, "dndSettings");
        if (settings.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var active = settings.EnumerateObject().Where(p => Str(p.Value, "status") == "active").Select(p => p.Name).ToList();
        return active.Count == 0 ? null : string.Join(',', active);
    }

    private static string? FirstItemName(JsonElement obj, string array) =>
        obj.TryGetProperty(array, out var items) && items.ValueKind == JsonValueKind.Array && items.GetArrayLength() > 0
            ? Str(items[0], "name")
            : null;

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

    private static bool? Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>A number, or a string holding a plain decimal number (dot separator, no thousands); anything else is missing.</summary>
    private static decimal? Dec(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDecimal();
        }
        return value.ValueKind == JsonValueKind.String
            && decimal.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    private static DateTimeOffset? Date(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            return DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : throw new JsonException($"GoHighLevel field \"{name}\" is not a date: '{value.GetString()}'");
        }
        return null;
    }
}
