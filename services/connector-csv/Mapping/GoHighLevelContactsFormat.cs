using Platform.Connectors.Csv.Hosting;
using Platform.Connectors.Files;
using Platform.Contracts.Records;

namespace Platform.Connectors.Csv.Mapping;

/// <summary>
/// GoHighLevel's contact export (Contacts → Export): <c>Contact Id, First Name, Last Name, Name, Email, Phone,
/// Business Name, Created, Last Activity, Tags</c>, address columns, and custom fields after them.
/// </summary>
internal sealed class GoHighLevelContactsFormat : IFileFormat
{
    private static readonly FieldSpec[] Fields =
    [
        new("contact_id", "Contact Id", "Contact ID", "Id"),
        new("first_name", "First Name"),
        new("last_name", "Last Name"),
        new("full_name", "Name", "Full Name", "Contact Name"),
        new("email", "Email"),
        new("phone", "Phone"),
        new("company", "Business Name", "Company Name"),
        new("city", "City"),
        new("state", "State"),
        new("country", "Country"),
        new("tags", "Tags"),
        new("source", "Source"),
        new("created_at", "Created", "Date Created", "Created At"),
        new("updated_at", "Last Activity", "Date Updated", "Updated At"),
        new("dnd", "DND", "Do Not Disturb"),
    ];

    public string Name => "gohighlevel";

    public bool ConfirmGuessedMapping => false;

    public IFileRowMapper Bind(FileHeader header, IReadOnlyDictionary<string, string>? mapping, FileReadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(header);
        var binding = ColumnBinding.Bind(header, Fields, mapping, Name);
        binding.Require("contact_id", "GoHighLevel's export has a 'Contact Id' column");
        return new Mapper(binding, [.. binding.Unused.Where(i => header.Columns[i].Length > 0)]);
    }

    private sealed class Mapper(ColumnBinding columns, int[] extra) : IFileRowMapper
    {
        public IReadOnlyDictionary<string, string> Mapping => columns.Mapping;

        public FileRowResult Map(FileRow row)
        {
            var id = row.Value(columns["contact_id"]);
            if (id is null)
            {
                return FileRowResult.Reject(row.Header.Columns[columns["contact_id"]], "the contact id is blank");
            }
            if (!row.TryDate(columns["created_at"], out var created, out var rejection)
                || !row.TryDate(columns["updated_at"], out var updated, out rejection))
            {
                return rejection;
            }
            var canonical = new CanonicalBuilder()
                .Identifier(IdentifierKinds.GhlContactId, id)
                .Several(IdentifierKinds.Email, row.Value(columns["email"]))
                .Several(IdentifierKinds.Phone, row.Value(columns["phone"]))
                .Attribute("gohighlevel.tags", CanonicalBuilder.Tags(row.Value(columns["tags"])))
                .Attribute("gohighlevel.source", row.Value(columns["source"]))
                .Attribute("gohighlevel.dnd", CsvValues.ParseBoolean(row.Value(columns["dnd"])))
                .Attribute("gohighlevel.created_at", created);
            foreach (var index in extra)
            {
                canonical.Attribute($"gohighlevel.cf.{row.Header.Columns[index]}", row.Value(index));
            }
            var company = row.Value(columns["company"]);
            return FileRowResult.Mapped(new CanonicalRecord
            {
                Source = CsvRegistration.Source,
                EntityType = EntityType.Contact,
                ExternalId = $"gohighlevel:{id}",
                SourceUpdatedAt = updated ?? created ?? row.Settings.ReceivedAt,
                Identifiers = canonical.Identifiers,
                Person = CanonicalBuilder.Person(row.Value(columns["full_name"]), row.Value(columns["first_name"]),
                    row.Value(columns["last_name"]), row.Value(columns["city"]), row.Value(columns["state"]), row.Value(columns["country"])),
                Company = company is null ? null : new CompanyFields { Name = company },
                Attributes = canonical.Attributes,
            });
        }
    }
}
