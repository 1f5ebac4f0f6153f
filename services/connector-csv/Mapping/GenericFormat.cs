using System.Security.Cryptography;
using System.Text;
using Platform.Connectors.Csv.Hosting;
using Platform.Connectors.Files;
using Platform.Contracts.Records;

namespace Platform.Connectors.Csv.Mapping;

/// <summary>
/// Any other CSV: columns mapped to canonical fields by the operator (<c>map.email=Correo</c>), or guessed from common
/// header names in Portuguese, Spanish and English and shown back for confirmation before anything is staged.
/// A row is a contact, or a purchase when an amount column is mapped. Columns no field uses are kept as attributes.
/// </summary>
internal sealed class GenericFormat : IFileFormat
{
    internal static readonly FieldSpec[] Fields =
    [
        new("external_id", "ID", "Código", "Codigo", "Id do cliente", "Customer ID", "Contact ID", "ID del cliente", "Identificador", "External ID"),
        new("email", "E-mail", "Email", "Correo", "Correo electrónico", "Email Address", "Endereço de e-mail", "Mail"),
        new("phone", "Telefone", "Phone", "Teléfono", "Telefono", "Celular", "Mobile", "Móvil", "Movil", "Phone Number", "Fone", "Tel"),
        new("whatsapp", "WhatsApp", "Whats", "Wpp"),
        new("first_name", "Primeiro nome", "First Name", "Nombre de pila", "Primer nombre"),
        new("last_name", "Sobrenome", "Last Name", "Apellido", "Apellidos", "Surname"),
        new("full_name", "Nome completo", "Full Name", "Nombre completo", "Nome", "Name", "Nombre", "Cliente", "Customer", "Contato", "Contacto"),
        new("document", "CPF", "CPF/CNPJ", "Documento", "Document", "DNI", "RUT", "Tax ID"),
        new("cnpj", "CNPJ"),
        new("company", "Empresa", "Company", "Company Name", "Razão social", "Compañía", "Compania", "Organização", "Organización", "Business Name"),
        new("city", "Cidade", "City", "Ciudad", "Município", "Municipio"),
        new("state", "Estado", "UF", "State", "Provincia", "Región", "Region"),
        new("country", "País", "Pais", "Country"),
        new("tags", "Tags", "Etiquetas", "Marcadores", "Labels"),
        new("amount", "Valor", "Amount", "Monto", "Valor total", "Total", "Preço", "Preco", "Price", "Importe"),
        new("currency", "Moeda", "Currency", "Moneda"),
        new("status", "Status", "Situação", "Situacao", "Estado del pago", "Payment Status"),
        new("occurred_at", "Data da compra", "Data do pedido", "Purchase Date", "Order Date", "Fecha de compra", "Data", "Date", "Fecha"),
        new("product", "Produto", "Product", "Producto", "Plano", "Plan"),
        new("created_at", "Data de cadastro", "Criado em", "Data de criação", "Created", "Created At", "Fecha de creación", "Fecha de alta"),
        new("updated_at", "Atualizado em", "Última atualização", "Updated", "Updated At", "Last Activity", "Fecha de actualización"),
    ];

    public string Name => "generic";

    public bool ConfirmGuessedMapping => true;

    public IFileRowMapper Bind(FileHeader header, IReadOnlyDictionary<string, string>? mapping, FileReadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(header);
        var binding = ColumnBinding.Bind(header, Fields, mapping, Name);
        if (!binding.Has("external_id") && !binding.Has("email") && !binding.Has("phone") && !binding.Has("whatsapp")
            && !binding.Has("document") && !binding.Has("cnpj"))
        {
            throw new FileFormatException(
                "No column identifies a person (email, phone, whatsapp, document, cnpj or external_id); map one, e.g. ?map.email=<column>. "
                + $"The file's columns are: {string.Join(", ", header.Columns)}.");
        }
        return new Mapper(binding, [.. binding.Unused.Where(i => header.Columns[i].Length > 0)]);
    }

    private sealed class Mapper(ColumnBinding columns, int[] extra) : IFileRowMapper
    {
        public IReadOnlyDictionary<string, string> Mapping => columns.Mapping;

        public FileRowResult Map(FileRow row)
        {
            if (!row.TryDecimal(columns["amount"], out var amount, out var rejection)
                || !row.TryDate(columns["occurred_at"], out var occurred, out rejection)
                || !row.TryDate(columns["created_at"], out var created, out rejection)
                || !row.TryDate(columns["updated_at"], out var updated, out rejection))
            {
                return rejection;
            }
            var email = row.Value(columns["email"]);
            var phone = row.Value(columns["phone"]);
            var canonical = new CanonicalBuilder()
                .Several(IdentifierKinds.Email, email)
                .Several(IdentifierKinds.Phone, phone)
                .Several(IdentifierKinds.Phone, row.Value(columns["whatsapp"]))
                .Document(row.Value(columns["document"]))
                .Identifier(IdentifierKinds.Cnpj, row.Value(columns["cnpj"]))
                .Attribute("tags", CanonicalBuilder.Tags(row.Value(columns["tags"])))
                .Attribute("created_at", created);
            foreach (var index in extra)
            {
                canonical.Attribute($"col.{row.Header.Columns[index]}", row.Value(index));
            }
            if (canonical.Identifiers.Count == 0 && row.Value(columns["external_id"]) is null)
            {
                return FileRowResult.Reject(columns.Has("email") ? row.Header.Columns[columns["email"]] : null,
                    "the row has no email, phone, document or id: nothing identifies the person");
            }
            var id = row.Value(columns["external_id"])
                ?? email?.ToLowerInvariant()
                ?? canonical.Identifiers[0].Value;
            var company = row.Value(columns["company"]);
            var person = CanonicalBuilder.Person(row.Value(columns["full_name"]), row.Value(columns["first_name"]),
                row.Value(columns["last_name"]), row.Value(columns["city"]), row.Value(columns["state"]), row.Value(columns["country"]));
            var isPurchase = columns.Has("amount");
            MoneyFields? money = null;
            if (isPurchase)
            {
                if (amount is null)
                {
                    return FileRowResult.Reject(row.Header.Columns[columns["amount"]], "the amount is blank");
                }
                money = new MoneyFields
                {
                    Amount = amount.Value,
                    Currency = (row.Value(columns["currency"]) ?? "BRL").ToUpperInvariant(),
                    Status = row.Value(columns["status"]) ?? "paid",
                    OccurredAt = occurred ?? created ?? row.Settings.ReceivedAt,
                    Product = row.Value(columns["product"]),
                };
                // A person buys many times: a purchase without its own id is keyed by who, when, what and how much.
                if (row.Value(columns["external_id"]) is null)
                {
                    id = Key($"{id}|{money.OccurredAt:O}|{money.Product}|{money.Amount}");
                }
            }
            return FileRowResult.Mapped(new CanonicalRecord
            {
                Source = CsvRegistration.Source,
                EntityType = isPurchase ? EntityType.Purchase : EntityType.Contact,
                ExternalId = $"generic:{id}",
                SourceUpdatedAt = updated ?? occurred ?? created ?? row.Settings.ReceivedAt,
                Identifiers = canonical.Identifiers,
                Person = person,
                Company = company is null ? null : new CompanyFields { Name = company },
                Money = money,
                Attributes = canonical.Attributes,
            });
        }

        private static string Key(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
    }
}
