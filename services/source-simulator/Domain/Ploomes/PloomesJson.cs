using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.SourceSimulator.Domain.Ploomes;

/// <summary>
/// Ploomes entities as its OData API renders them (PascalCase, dates with the -03:00 offset). Navigation properties
/// (Phones, Tags, Contact, Person, Company, OtherProperties) appear only when <c>$expand</c>ed, as in OData.
/// </summary>
internal static class PloomesJson
{
    public static readonly IReadOnlyDictionary<string, Func<PloomesContact, object?>> ContactProperties =
        new Dictionary<string, Func<PloomesContact, object?>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = c => c.Id,
            ["Name"] = c => c.Name,
            ["LegalName"] = c => c.LegalName,
            ["Register"] = _ => null,
            ["CNPJ"] = c => c.Cnpj,
            ["CPF"] = c => c.Cpf,
            ["Email"] = c => c.Email,
            ["TypeId"] = c => (long)c.TypeId,
            ["CompanyId"] = c => c.CompanyId,
            ["OwnerId"] = c => c.OwnerId,
            ["OriginId"] = c => c.OriginId,
            ["StreetAddress"] = c => c.Address?.Street,
            ["StreetAddressNumber"] = c => c.Address?.Number,
            ["StreetAddressLine2"] = c => c.Address?.Complement,
            ["Neighborhood"] = c => c.Address?.Neighborhood,
            ["ZipCode"] = c => c.Address is null ? null : long.Parse(c.Address.Cep, CultureInfo.InvariantCulture),
            ["CityId"] = c => c.Address is null ? null : (long)c.Address.City.Id,
            ["StateId"] = c => c.Address is null ? null : (long)c.Address.City.StateId,
            ["CountryId"] = c => c.Address is null ? null : 76L,
            ["Birthday"] = c => c.Birthday is { } b ? new DateTimeOffset(b.ToDateTime(TimeOnly.MinValue), PloomesData.Brasilia) : null,
            ["Note"] = c => c.Note,
            ["CreateDate"] = c => c.CreateDate,
            ["LastUpdateDate"] = c => c.LastUpdateDate,
            ["CreatorId"] = c => c.OwnerId,
            ["UpdaterId"] = c => c.UpdaterId,
        };

    public static readonly IReadOnlyDictionary<string, Func<PloomesDeal, object?>> DealProperties =
        new Dictionary<string, Func<PloomesDeal, object?>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = d => d.Id,
            ["Title"] = d => d.Title,
            ["ContactId"] = d => d.ContactId,
            ["ContactName"] = d => d.ContactName,
            ["PersonId"] = d => d.PersonId,
            ["PipelineId"] = d => d.PipelineId,
            ["StageId"] = d => d.StageId,
            ["StatusId"] = d => (long)d.StatusId,
            ["Amount"] = d => d.Amount,
            ["CurrencyId"] = _ => 1L,
            ["OwnerId"] = d => d.OwnerId,
            ["OriginId"] = d => d.OriginId,
            ["LossReasonId"] = d => d.LossReasonId,
            ["StartDate"] = d => d.StartDate,
            ["FinishDate"] = d => d.FinishDate,
            ["CreateDate"] = d => d.CreateDate,
            ["LastUpdateDate"] = d => d.LastUpdateDate,
            ["CreatorId"] = d => d.OwnerId,
            ["UpdaterId"] = d => d.UpdaterId,
            ["DealNumber"] = d => (long)d.DealNumber,
        };

    private static readonly string[] ContactNavigations = ["Phones", "Tags", "Company", "OtherProperties"];
    private static readonly string[] DealNavigations = ["Contact", "Person", "Tags", "OtherProperties"];
    private static readonly string[] TagNavigations = ["Tag"];

    /// <summary>Checks <c>$select</c> and <c>$expand</c> against the entity before anything is read.</summary>
    public static void ValidateContact(ODataExpand node) => Validate(node, "Contact", ContactProperties.Keys, ContactNavigations);

    public static void ValidateDeal(ODataExpand node) => Validate(node, "Deal", DealProperties.Keys, DealNavigations);

    public static JsonObject Contact(PloomesContact c, ODataExpand expand, PloomesData data)
    {
        var json = Plain(c, ContactProperties, expand.Select);
        foreach (var (name, child) in expand.Children)
        {
            switch (name.ToUpperInvariant())
            {
                case "PHONES":
                    json["Phones"] = new JsonArray([.. c.Phones.Select(p => (JsonNode)Select(new JsonObject
                    {
                        ["PhoneNumber"] = p.PhoneNumber,
                        ["TypeId"] = p.TypeId,
                        ["CountryId"] = p.CountryId,
                    }, child.Select))]);
                    break;
                case "TAGS":
                    json["Tags"] = TagsJson(c.TagIds, child);
                    break;
                case "COMPANY":
                    json["Company"] = c.CompanyId is { } companyId && data.FindContact(companyId) is { } company ? Contact(company, child, data) : null;
                    break;
                case "OTHERPROPERTIES":
                    json["OtherProperties"] = new JsonArray();
                    break;
            }
        }
        return json;
    }

    public static JsonObject Deal(PloomesDeal d, ODataExpand expand, PloomesData data)
    {
        var json = Plain(d, DealProperties, expand.Select);
        foreach (var (name, child) in expand.Children)
        {
            switch (name.ToUpperInvariant())
            {
                case "CONTACT":
                    json["Contact"] = data.FindContact(d.ContactId) is { } contact ? Contact(contact, child, data) : null;
                    break;
                case "PERSON":
                    json["Person"] = data.FindPerson(d.PersonId) is { } person ? Contact(person, child, data) : null;
                    break;
                case "TAGS":
                    json["Tags"] = TagsJson(d.TagIds, child);
                    break;
                case "OTHERPROPERTIES":
                    json["OtherProperties"] = new JsonArray();
                    break;
            }
        }
        return json;
    }

    public static string Date(DateTimeOffset value) =>
        value.ToOffset(PloomesData.Brasilia).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static JsonArray TagsJson(IEnumerable<int> tagIds, ODataExpand expand) => new([.. tagIds.Select(id =>
    {
        var item = new JsonObject { ["TagId"] = id };
        if (expand.Children.TryGetValue("Tag", out var tagExpand))
        {
            var tag = PloomesData.Tags.First(t => t.Id == id);
            item["Tag"] = Select(new JsonObject { ["Id"] = tag.Id, ["Name"] = tag.Name, ["Color"] = tag.Color }, tagExpand.Select);
        }
        return (JsonNode)Select(item, expand.Select);
    })]);

    private static JsonObject Plain<T>(T entity, IReadOnlyDictionary<string, Func<T, object?>> properties, HashSet<string>? select)
    {
        var json = new JsonObject();
        foreach (var (name, get) in properties)
        {
            if (select is not null && !select.Contains(name))
            {
                continue;
            }
            json[name] = get(entity) switch
            {
                null => null,
                long l => l,
                decimal m => m,
                string s => s,
                DateTimeOffset t => Date(t),
                var other => other.ToString(),
            };
        }
        return json;
    }

    private static JsonObject Select(JsonObject json, HashSet<string>? select)
    {
        if (select is null)
        {
            return json;
        }
        foreach (var key in json.Select(p => p.Key).ToList())
        {
            if (!select.Contains(key))
            {
                json.Remove(key);
            }
        }
        return json;
    }

    private static void Validate(ODataExpand node, string type, IEnumerable<string> properties, string[] navigations)
    {
        var known = new HashSet<string>(properties, StringComparer.OrdinalIgnoreCase);
        foreach (var name in node.Select ?? [])
        {
            if (!known.Contains(name) && !navigations.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ODataException($"Could not find a property named '{name}' on type 'Ploomes.{type}'.");
            }
        }
        foreach (var (name, child) in node.Children)
        {
            if (!navigations.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ODataException($"Could not find a navigation property named '{name}' on type 'Ploomes.{type}' (the simulator expands {string.Join(", ", navigations)}).");
            }
            switch (name.ToUpperInvariant())
            {
                case "COMPANY" or "CONTACT" or "PERSON":
                    Validate(child, "Contact", ContactProperties.Keys, ContactNavigations);
                    break;
                case "TAGS":
                    Validate(child, "Tag", ["TagId"], TagNavigations);
                    foreach (var grandchild in child.Children.Values)
                    {
                        Validate(grandchild, "TagDefinition", ["Id", "Name", "Color"], []);
                    }
                    break;
                case "PHONES":
                    Validate(child, "Phone", ["PhoneNumber", "TypeId", "CountryId"], []);
                    break;
            }
        }
    }
}
