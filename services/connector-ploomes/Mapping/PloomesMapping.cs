using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Json;
using Platform.Contracts.Records;
using static Platform.Connectors.Json.JsonFields;

namespace Platform.Connectors.Ploomes.Mapping;

/// <summary>
/// What the mapping needs beyond the payload: the currency of deals that name none, and the tag that marks a
/// contact as a customer (by id or by name; a workspace may set either).
/// </summary>
public sealed record PloomesMappingOptions
{
    public const string FallbackCurrency = "BRL";

    public string DefaultCurrency { get; init; } = FallbackCurrency;
    public long? ClientTagId { get; init; }
    public string? ClientTagName { get; init; }

    public bool HasClientTag => ClientTagId is not null || !string.IsNullOrWhiteSpace(ClientTagName);

    /// <summary>
    /// Reads <c>Connectors:Ploomes:DefaultCurrency</c> (a workspace's own <c>DefaultCurrency</c> wins) and the
    /// workspace's <c>ClientTagId</c> / <c>ClientTagName</c>.
    /// </summary>
    public static PloomesMappingOptions For(IConfiguration configuration, IConfigurationSection credentials)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(credentials);
        var currency = credentials["DefaultCurrency"] is { Length: > 0 } own ? own
            : configuration["Connectors:Ploomes:DefaultCurrency"] is { Length: > 0 } global ? global
            : FallbackCurrency;
        return new PloomesMappingOptions
        {
            DefaultCurrency = currency.Trim().ToUpperInvariant(),
            ClientTagId = long.TryParse(credentials["ClientTagId"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null,
            ClientTagName = credentials["ClientTagName"] is { Length: > 0 } name ? name.Trim() : null,
        };
    }
}

/// <summary>
/// Ploomes contacts and deals to canonical records. Contacts of type 1 are companies (CNPJ), of type 2 people
/// (CPF, email, phones); deals are <see cref="EntityType.Deal"/> money records linked to their contact.
/// Liberal in what it reads: any field may be missing or null, ids may be numbers or strings, dates may come
/// with or without an offset (without one they are read as UTC).
/// </summary>
public static partial class PloomesMapping
{
    public const string Source = "ploomes";
    public const string ContactsStream = "contacts";
    public const string DealsStream = "deals";

    private const int CompanyType = 1;
    private const int PersonType = 2;

    /// <summary>Maps a contact (company or person); null when it has no id.</summary>
    public static CanonicalRecord? MapContact(JsonElement contact, PloomesMappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = Id(contact, "Id");
        if (id is null)
        {
            return null;
        }
        var isCompany = IsCompany(contact);
        var attributes = new Dictionary<string, string?>();
        AddCustomFields(attributes, contact);
        Put(attributes, "ploomes_type_id", Raw(contact, "TypeId"));
        Put(attributes, "owner_id", Raw(contact, "OwnerId"));
        Put(attributes, "status_id", Raw(contact, "StatusId"));
        Put(attributes, "origin_id", Raw(contact, "OriginId"));
        Put(attributes, "company_id", Raw(contact, "CompanyId"));
        if (ReadTags(contact, options) is { } tags)
        {
            Put(attributes, "tags", JsonList(tags.Names));
            Put(attributes, "is_customer", Flag(tags.IsCustomer));
        }

        var identifiers = ContactIdentifiers(contact, id, isCompany);
        if (isCompany)
        {
            // A company's email and phones are often a shared front desk or the owner's own; kept, but not used to link.
            Put(attributes, "email", Str(contact, "Email"));
            Put(attributes, "phones", JsonList(Phones(contact)));
        }

        return new CanonicalRecord
        {
            Source = Source,
            EntityType = isCompany ? EntityType.Company : EntityType.Contact,
            ExternalId = id,
            SourceUpdatedAt = Date(contact, "LastUpdateDate") ?? Date(contact, "CreateDate") ?? DateTimeOffset.UnixEpoch,
            Identifiers = identifiers,
            Person = isCompany ? null : PersonOf(contact),
            Company = isCompany ? CompanyOf(contact) : null,
            Attributes = attributes,
        };
    }

    /// <summary>Maps a deal; null when it has no id.</summary>
    public static CanonicalRecord? MapDeal(JsonElement deal, PloomesMappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = Id(deal, "Id");
        if (id is null)
        {
            return null;
        }
        var statusId = Long(deal, "StatusId");
        var status = statusId switch
        {
            1 => "open",
            2 => "won",
            3 => "lost",
            _ => "unknown",
        };
        var created = Date(deal, "CreateDate") ?? Date(deal, "StartDate");
        var updated = Date(deal, "LastUpdateDate");
        var occurredAt = status is "won" or "lost"
            ? Date(deal, "FinishDate") ?? updated ?? created
            : created ?? updated;

        var contact = Obj(deal, "Contact");
        var contactId = Id(deal, "ContactId") ?? Id(contact, "Id");
        var identifiers = contact.ValueKind == JsonValueKind.Object && contactId is not null
            ? ContactIdentifiers(contact, contactId, IsCompany(contact))
            : Ids((IdentifierKinds.PloomesContactId, contactId));

        var attributes = new Dictionary<string, string?>();
        AddCustomFields(attributes, deal);
        Put(attributes, "stage_id", Raw(deal, "StageId"));
        Put(attributes, "pipeline_id", Raw(deal, "PipelineId"));
        Put(attributes, "owner_id", Raw(deal, "OwnerId"));
        Put(attributes, "status_id", Raw(deal, "StatusId"));
        Put(attributes, "person_id", Raw(deal, "PersonId"));
        Put(attributes, "origin_id", Raw(deal, "OriginId"));
        Put(attributes, "loss_reason_id", Raw(deal, "LossReasonId"));
        Put(attributes, "currency_id", Raw(deal, "CurrencyId"));
        Put(attributes, "deal_number", Raw(deal, "DealNumber"));
        Put(attributes, "contact_name", Str(deal, "ContactName") ?? Str(contact, "Name"));
        Put(attributes, "tags", JsonList(ReadTags(deal, options)?.Names ?? []));
        // The customer is the deal's contact: the client tag is read from the contact's tags.
        Put(attributes, "is_customer", Flag(ReadTags(contact, options)?.IsCustomer));

        var amount = MoneyReader.Read(deal, "Amount");
        Put(attributes, MoneyReader.FlagAttribute, amount.Problem);
        var contactIsCompany = contact.ValueKind == JsonValueKind.Object && IsCompany(contact);
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Deal,
            ExternalId = id,
            SourceUpdatedAt = updated ?? created ?? DateTimeOffset.UnixEpoch,
            Identifiers = identifiers,
            Person = contact.ValueKind == JsonValueKind.Object && !contactIsCompany ? PersonOf(contact) : null,
            Company = contactIsCompany ? CompanyOf(contact) : null,
            Money = amount.HasProblem ? null : new MoneyFields
            {
                Amount = amount.Amount ?? 0m,
                Currency = CurrencyOf(deal) ?? options.DefaultCurrency,
                Status = status,
                OccurredAt = occurredAt ?? DateTimeOffset.UnixEpoch,
                Product = Str(deal, "Title"),
            },
            Attributes = attributes,
        };
    }

    /// <summary>Company when TypeId says so; without a TypeId, when it carries a CNPJ and no CPF.</summary>
    private static bool IsCompany(JsonElement contact) => Long(contact, "TypeId") switch
    {
        CompanyType => true,
        PersonType => false,
        _ => Str(contact, "CNPJ") is not null && Str(contact, "CPF") is null,
    };

    /// <summary>
    /// A company links by its Ploomes id and CNPJ; a person by Ploomes id, CPF, email(s) and phones. <c>Register</c>
    /// (the generic document field) stands in for a missing CPF/CNPJ when its digit count fits.
    /// </summary>
    private static List<Identifier> ContactIdentifiers(JsonElement contact, string id, bool isCompany)
    {
        if (isCompany)
        {
            return Ids((IdentifierKinds.PloomesContactId, id), (IdentifierKinds.Cnpj, Str(contact, "CNPJ") ?? RegisterWithDigits(contact, 14)));
        }
        var values = new List<(string, string?)>
        {
            (IdentifierKinds.PloomesContactId, id),
            (IdentifierKinds.Cpf, Str(contact, "CPF") ?? RegisterWithDigits(contact, 11)),
            (IdentifierKinds.Email, Str(contact, "Email")),
        };
        if (contact.TryGetProperty("Emails", out var emails) && emails.ValueKind == JsonValueKind.Array)
        {
            values.AddRange(emails.EnumerateArray().Select(e => (IdentifierKinds.Email, e.ValueKind == JsonValueKind.String ? e.GetString() : Str(e, "Email"))));
        }
        values.AddRange(Phones(contact).Select(p => (IdentifierKinds.Phone, (string?)p)));
        return Ids([.. values]);
    }

    private static string? RegisterWithDigits(JsonElement contact, int digits) =>
        Str(contact, "Register") is { } register && register.Count(char.IsAsciiDigit) == digits ? register : null;

    private static List<string> Phones(JsonElement contact)
    {
        var phones = new List<string>();
        if (contact.ValueKind == JsonValueKind.Object && contact.TryGetProperty("Phones", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var phone in list.EnumerateArray())
            {
                var number = phone.ValueKind == JsonValueKind.String ? phone.GetString() : Str(phone, "PhoneNumber");
                if (!string.IsNullOrWhiteSpace(number))
                {
                    phones.Add(number);
                }
            }
        }
        return phones;
    }

    private static PersonFields? PersonOf(JsonElement contact)
    {
        var name = Str(contact, "Name")?.Trim();
        var city = Str(Obj(contact, "City"), "Name");
        var state = Str(Obj(contact, "State"), "Short") ?? Str(Obj(contact, "State"), "Name");
        var country = Str(Obj(contact, "Country"), "Short");
        if (string.IsNullOrEmpty(name) && city is null && state is null && country is null)
        {
            return null;
        }
        var parts = name?.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new PersonFields
        {
            FullName = string.IsNullOrEmpty(name) ? null : name,
            FirstName = parts is { Length: > 0 } ? parts[0] : null,
            LastName = parts is { Length: > 1 } ? parts[1] : null,
            City = city,
            State = state,
            Country = country is { Length: 2 } ? country.ToUpperInvariant() : null,
        };
    }

    private static CompanyFields? CompanyOf(JsonElement contact)
    {
        var name = Str(contact, "Name");
        var legal = Str(contact, "LegalName");
        return name is null && legal is null ? null : new CompanyFields { Name = name, LegalName = legal };
    }

    /// <summary>An ISO code the deal names itself (a string, or an expanded currency object); null otherwise.</summary>
    private static string? CurrencyOf(JsonElement deal)
    {
        string?[] candidates =
        [
            Str(deal, "Currency"), Str(deal, "CurrencyCode"),
            Str(Obj(deal, "Currency"), "Code"), Str(Obj(deal, "Currency"), "IsoCode"), Str(Obj(deal, "Currency"), "Short"),
            Str(Obj(deal, "Currency"), "Name"),
        ];
        return candidates.Select(c => c?.Trim()).FirstOrDefault(c => c is { Length: 3 } && c.All(char.IsAsciiLetter))?.ToUpperInvariant();
    }

    /// <summary>
    /// The tag names of a contact or deal, and whether one is the workspace's client tag (null when the workspace
    /// configured none); null when the tags were not read (not expanded).
    /// </summary>
    private static (List<string> Names, bool? IsCustomer)? ReadTags(JsonElement obj, PloomesMappingOptions options)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty("Tags", out var tags) || tags.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var names = new List<string>();
        var isCustomer = false;
        foreach (var tag in tags.EnumerateArray())
        {
            var inner = Obj(tag, "Tag");
            var name = tag.ValueKind == JsonValueKind.String ? tag.GetString() : Str(inner, "Name") ?? Str(tag, "Name");
            var tagId = Long(tag, "TagId") ?? Long(inner, "Id") ?? Long(tag, "Id");
            if (!string.IsNullOrWhiteSpace(name))
            {
                names.Add(name.Trim());
            }
            isCustomer |= (options.ClientTagId is { } wantedId && tagId == wantedId)
                || (options.ClientTagName is { } wantedName && name is not null
                    && string.Equals(name.Trim(), wantedName, StringComparison.OrdinalIgnoreCase));
        }
        return (names, options.HasClientTag ? isCustomer : null);
    }

    private static string? Flag(bool? value) => value switch
    {
        true => "true",
        false => "false",
        null => null,
    };

    /// <summary>Custom fields by their FieldKey, with the value as Ploomes sent it (the option's name for list fields).</summary>
    private static void AddCustomFields(Dictionary<string, string?> attributes, JsonElement obj)
    {
        if (!obj.TryGetProperty("OtherProperties", out var properties) || properties.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        string[] valueFields = ["ObjectValueName", "StringValue", "BigStringValue", "IntegerValue", "DecimalValue", "DateTimeValue", "BoolValue", "UrlValue"];
        foreach (var property in properties.EnumerateArray())
        {
            if (Str(property, "FieldKey") is not { Length: > 0 } key)
            {
                continue;
            }
            var value = valueFields.Select(f => Raw(property, f)).FirstOrDefault(v => v is not null);
            Put(attributes, key, value);
        }
    }

    private static List<Identifier> Ids(params (string Kind, string? Value)[] values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => new Identifier(v.Kind, v.Value!.Trim())).Distinct().ToList();

    private static void Put(Dictionary<string, string?> attributes, string key, string? value)
    {
        if (value is not null)
        {
            attributes[key] = value;
        }
    }

    // Tag names and phones are Portuguese text: keep "São Paulo" readable instead of "S\u00E3o Paulo".
    private static readonly JsonSerializerOptions ListJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private static string? JsonList(List<string> values) => values.Count == 0 ? null : JsonSerializer.Serialize(values, ListJson);

    /// <summary>An id as text, whether Ploomes sent a number or a string.</summary>
    internal static string? Id(JsonElement obj, string name) => Raw(obj, name) is { Length: > 0 } id && id != "0" ? id.Trim() : null;

    internal static DateTimeOffset? Date(JsonElement obj, string name) => ParseDate(Str(obj, name));

    /// <summary>The date only when Ploomes wrote it with an offset (or Z), so it names one instant without guessing.</summary>
    internal static DateTimeOffset? DateWithOffset(JsonElement obj, string name) =>
        Str(obj, name) is { } text && OffsetSuffix().IsMatch(text) ? ParseDate(text) : null;

    [GeneratedRegex(@"T.*(Z|[+-]\d{2}:?\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetSuffix();

    /// <summary>ISO 8601 with or without an offset; without one the value is taken as UTC.</summary>
    internal static DateTimeOffset? ParseDate(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;
}
