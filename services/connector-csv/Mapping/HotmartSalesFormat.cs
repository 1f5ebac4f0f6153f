using Platform.Connectors.Csv.Hosting;
using Platform.Connectors.Files;
using Platform.Contracts.Records;

namespace Platform.Connectors.Csv.Mapping;

/// <summary>
/// Hotmart's sales export (Minhas vendas → Exportar): one row per transaction with the buyer's name, email, phone and
/// document, the product, status, price and currency, and the purchase and approval dates (Portuguese headers, or
/// the English ones of an account set to English). A row is a purchase.
/// </summary>
internal sealed class HotmartSalesFormat : IFileFormat
{
    private static readonly FieldSpec[] Fields =
    [
        new("transaction", "Transação", "Transacao", "Código da transação", "Codigo da transacao", "Transaction", "Transaction Code"),
        new("product", "Produto", "Nome do produto", "Product", "Product Name"),
        new("buyer_name", "Comprador", "Nome do comprador", "Nome", "Buyer", "Buyer Name", "Name"),
        new("email", "Email do comprador", "E-mail do comprador", "Email", "E-mail", "Buyer Email"),
        new("phone", "Telefone do comprador", "Telefone", "Celular", "Buyer Phone", "Phone"),
        new("document", "Documento do comprador", "Documento", "CPF", "Buyer Document", "Document"),
        new("status", "Status da transação", "Status", "Transaction Status"),
        new("amount", "Valor de compra com impostos", "Preço total", "Preco total", "Valor da compra", "Valor", "Purchase Value", "Price", "Total Price"),
        new("currency", "Moeda", "Moeda de compra", "Currency"),
        new("ordered_at", "Data da transação", "Data do pedido", "Data de pedido", "Data da compra", "Order Date", "Purchase Date", "Transaction Date"),
        new("approved_at", "Data de aprovação", "Data de confirmação", "Approval Date", "Confirmation Date"),
        new("payment_type", "Tipo de pagamento", "Forma de pagamento", "Payment Type", "Payment Method"),
        new("city", "Cidade", "City"),
        new("state", "Estado", "State"),
        new("country", "País", "Pais", "Country"),
    ];

    public string Name => "hotmart";

    public bool ConfirmGuessedMapping => false;

    public IFileRowMapper Bind(FileHeader header, IReadOnlyDictionary<string, string>? mapping, FileReadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(header);
        var binding = ColumnBinding.Bind(header, Fields, mapping, Name);
        binding.Require("transaction", "Hotmart's export names each sale by its transaction code");
        binding.Require("amount", "the price paid");
        binding.Require("ordered_at", "the purchase date");
        return new Mapper(binding);
    }

    private sealed class Mapper(ColumnBinding columns) : IFileRowMapper
    {
        public IReadOnlyDictionary<string, string> Mapping => columns.Mapping;

        public FileRowResult Map(FileRow row)
        {
            var transaction = row.Value(columns["transaction"]);
            if (transaction is null)
            {
                return FileRowResult.Reject(row.Header.Columns[columns["transaction"]], "the transaction code is blank");
            }
            if (!row.TryDecimal(columns["amount"], out var amount, out var rejection)
                || !row.TryDate(columns["ordered_at"], out var ordered, out rejection)
                || !row.TryDate(columns["approved_at"], out var approved, out rejection))
            {
                return rejection;
            }
            if (amount is null)
            {
                return FileRowResult.Reject(row.Header.Columns[columns["amount"]], "the price is blank");
            }
            if (ordered is null)
            {
                return FileRowResult.Reject(row.Header.Columns[columns["ordered_at"]], "the purchase date is blank");
            }
            var canonical = new CanonicalBuilder()
                .Several(IdentifierKinds.Email, row.Value(columns["email"]))
                .Several(IdentifierKinds.Phone, row.Value(columns["phone"]))
                .Document(row.Value(columns["document"]))
                .Attribute("hotmart.transaction", transaction)
                .Attribute("hotmart.payment_type", row.Value(columns["payment_type"]))
                .Attribute("hotmart.approved_at", approved);
            return FileRowResult.Mapped(new CanonicalRecord
            {
                Source = CsvRegistration.Source,
                EntityType = EntityType.Purchase,
                ExternalId = $"hotmart:{transaction}",
                SourceUpdatedAt = approved ?? ordered.Value,
                Identifiers = canonical.Identifiers,
                Person = CanonicalBuilder.Person(row.Value(columns["buyer_name"]), null, null, row.Value(columns["city"]),
                    row.Value(columns["state"]), row.Value(columns["country"])),
                Money = new MoneyFields
                {
                    Amount = amount.Value,
                    Currency = (row.Value(columns["currency"]) ?? "BRL").ToUpperInvariant(),
                    Status = (row.Value(columns["status"]) ?? "unknown").ToUpperInvariant(),
                    OccurredAt = ordered.Value,
                    Product = row.Value(columns["product"]),
                },
                Attributes = canonical.Attributes,
            });
        }
    }
}
