using Platform.Connectors.Csv.Hosting;
using Platform.Connectors.Files;
using Platform.Contracts.Records;

namespace Platform.Connectors.Csv.Mapping;

/// <summary>
/// ManyChat's subscriber export as users have it (<c>manychat_output.csv</c>): <c>;</c>-separated, Portuguese headers
/// (<c>ID do assinante; Nome; Sobrenome; E-mail; Telefone; WhatsApp; Tags; Valor gasto; Data de inscrição; Última
/// interação</c>), decimal commas, Excel serial datetimes; every further column is one of the account's custom fields,
/// kept by name. One row is one subscriber: a contact with <c>manychat_subscriber_id</c>, email, phone and WhatsApp phone.
/// </summary>
internal sealed class ManyChatExportFormat : IFileFormat
{
    public const string SubscriberId = "subscriber_id";

    private static readonly FieldSpec[] Fields =
    [
        new(SubscriberId, "ID do assinante", "ID do Subscriber", "Subscriber ID", "ID", "id_assinante"),
        new("first_name", "Nome", "Primeiro nome", "First Name"),
        new("last_name", "Sobrenome", "Último nome", "Last Name"),
        new("full_name", "Nome completo", "Full Name"),
        new("email", "E-mail", "Email"),
        new("phone", "Telefone", "Phone"),
        new("whatsapp", "WhatsApp", "Telefone do WhatsApp", "WhatsApp Phone"),
        new("tags", "Tags", "Etiquetas"),
        new("amount_spent", "Valor gasto", "Amount Spent"),
        new("subscribed_at", "Data de inscrição", "Inscrito em", "Subscribed", "Subscribed At"),
        new("last_interaction", "Última interação", "Last Interaction"),
        new("optin_email", "Opt-in de e-mail", "Opt-in e-mail", "Optin Email"),
        new("optin_phone", "Opt-in de SMS", "Opt-in de telefone", "Optin Phone", "Optin SMS"),
        new("optin_whatsapp", "Opt-in de WhatsApp", "Opt-in WhatsApp", "Optin WhatsApp"),
        new("gender", "Gênero", "Sexo", "Gender"),
        new("locale", "Idioma", "Localidade", "Locale", "Language"),
    ];

    public string Name => "manychat";

    public bool ConfirmGuessedMapping => false;

    public IFileRowMapper Bind(FileHeader header, IReadOnlyDictionary<string, string>? mapping, FileReadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(header);
        var binding = ColumnBinding.Bind(header, Fields, mapping is null ? null : Without(mapping), Name);
        binding.Require(SubscriberId, "ManyChat's export starts with 'ID do assinante'");
        var customFields = binding.Unused.Where(i => header.Columns[i].Length > 0).ToArray();
        foreach (var index in customFields)
        {
            binding.Mapping[$"custom_field:{header.Columns[index]}"] = header.Columns[index];
        }
        return new Mapper(binding, customFields);
    }

    /// <summary>Custom fields are every column left over; a saved mapping lists them, binding finds them again.</summary>
    private static Dictionary<string, string> Without(IReadOnlyDictionary<string, string> mapping) =>
        mapping.Where(m => !m.Key.StartsWith("custom_field:", StringComparison.Ordinal)).ToDictionary(m => m.Key, m => m.Value);

    private sealed class Mapper(ColumnBinding columns, int[] customFields) : IFileRowMapper
    {
        public IReadOnlyDictionary<string, string> Mapping => columns.Mapping;

        public FileRowResult Map(FileRow row)
        {
            var id = row.Value(columns[SubscriberId]);
            if (id is null)
            {
                return FileRowResult.Reject(row.Header.Columns[columns[SubscriberId]], "the subscriber id is blank");
            }
            if (!row.TryDecimal(columns["amount_spent"], out var spent, out var rejection)
                || !row.TryDate(columns["subscribed_at"], out var subscribed, out rejection)
                || !row.TryDate(columns["last_interaction"], out var lastInteraction, out rejection))
            {
                return rejection;
            }
            var first = row.Value(columns["first_name"]);
            var last = row.Value(columns["last_name"]);
            var phone = row.Value(columns["phone"]);
            var whatsapp = row.Value(columns["whatsapp"]);
            var canonical = new CanonicalBuilder()
                .Identifier(IdentifierKinds.ManychatSubscriberId, id)
                .Several(IdentifierKinds.Email, row.Value(columns["email"]))
                .Identifier(IdentifierKinds.Phone, phone)
                .Identifier(IdentifierKinds.Phone, whatsapp)
                .Attribute("manychat.whatsapp_phone", whatsapp)
                .Attribute("manychat.tags", CanonicalBuilder.Tags(row.Value(columns["tags"])))
                .Attribute("manychat.amount_spent", spent)
                .Attribute("manychat.subscribed_at", subscribed)
                .Attribute("manychat.last_interaction", lastInteraction)
                .Attribute("manychat.optin_email", CsvValues.ParseBoolean(row.Value(columns["optin_email"])))
                .Attribute("manychat.optin_phone", CsvValues.ParseBoolean(row.Value(columns["optin_phone"])))
                .Attribute("manychat.optin_whatsapp", CsvValues.ParseBoolean(row.Value(columns["optin_whatsapp"])))
                .Attribute("manychat.gender", row.Value(columns["gender"]))
                .Attribute("manychat.locale", row.Value(columns["locale"]));
            foreach (var index in customFields)
            {
                canonical.Attribute($"manychat.cf.{row.Header.Columns[index]}", row.Value(index));
            }
            return FileRowResult.Mapped(new CanonicalRecord
            {
                Source = CsvRegistration.Source,
                EntityType = EntityType.Contact,
                ExternalId = $"manychat:{id}",
                SourceUpdatedAt = lastInteraction ?? subscribed ?? row.Settings.ReceivedAt,
                Identifiers = canonical.Identifiers,
                Person = CanonicalBuilder.Person(row.Value(columns["full_name"]), first, last),
                Attributes = canonical.Attributes,
            });
        }
    }
}
