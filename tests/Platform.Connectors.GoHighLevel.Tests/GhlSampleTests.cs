using System.Text.Json;
using Platform.Connectors.GoHighLevel.Mapping;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.Connectors.GoHighLevel.Tests;

public class GhlSampleTests
{
    private static readonly DateTimeOffset DeliveredAt = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static string Folder => Path.Combine(TestEnvironment.VendorSamples, "gohighlevel");

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").Order())
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }
        return data;
    }

    private static CanonicalRecord Map(string sample)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, sample + ".json")));
        return GhlMapping.Webhook(document.RootElement, "BRL", DeliveredAt) ?? throw new InvalidOperationException($"{sample} mapped to nothing");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_documented_webhook_payload_maps_to_a_canonical_record_of_its_kind(string sample)
    {
        var record = Map(sample);

        var expected = sample switch
        {
            _ when sample.StartsWith("Contact", StringComparison.Ordinal) => EntityType.Contact,
            _ when sample.StartsWith("Opportunity", StringComparison.Ordinal) => EntityType.Deal,
            "InvoicePaid" => EntityType.Invoice,
            "OrderCreate" => EntityType.Purchase,
            _ => throw new InvalidOperationException($"no expectation for {sample}"),
        };
        Assert.Equal(expected, record.EntityType);
        Assert.Equal(GhlMapping.Source, record.Source);
        Assert.False(string.IsNullOrEmpty(record.ExternalId));
        Assert.Contains(record.Identifiers, i => i.Kind == IdentifierKinds.GhlContactId);
    }

    [Fact]
    public void A_contact_carries_its_email_phone_id_tags_custom_fields_and_dnd_flag()
    {
        var record = Map("ContactCreate");

        Assert.Equal("nmFmQEsNgz6AVpgLVUJ0", record.ExternalId);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "JohnDeo@gmail.comm"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "+919509597501"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.GhlContactId, "nmFmQEsNgz6AVpgLVUJ0"), record.Identifiers);
        Assert.Equal("John", record.Person!.FirstName);
        Assert.Equal("true", record.Attributes["dnd"]);
        Assert.Equal("XYZ Corp", record.Attributes["cf.BcdmQEsNgz6AVpgLVUJ0"]);
        using var tags = JsonDocument.Parse(record.Attributes["tags"]!);
        Assert.Equal(["id magna sed Lorem", "Duis dolor commodo aliqua"], tags.RootElement.EnumerateArray().Select(t => t.GetString()));
        // A delivery has no dateUpdated: the version is the delivery's time.
        Assert.Equal(DeliveredAt, record.SourceUpdatedAt);
    }

    [Fact]
    public void A_deleted_contact_is_a_tombstone_version_of_the_contact_not_a_lost_record()
    {
        var record = Map("ContactDelete");

        Assert.Equal(EntityType.Contact, record.EntityType);
        Assert.Equal("nmFmQEsNgz6AVpgLVUJ0", record.ExternalId);
        Assert.Equal("true", record.Attributes["deleted"]);
        Assert.Equal(DeliveredAt, record.SourceUpdatedAt);
    }

    [Fact]
    public void The_dnd_update_names_the_channels_that_are_blocked()
    {
        Assert.Equal("Email,GMB,FB,WhatsApp", Map("ContactDndUpdate").Attributes["dnd_channels"]);
    }

    [Fact]
    public void An_opportunity_is_a_deal_with_its_monetary_value_status_and_the_workspace_currency()
    {
        var record = Map("OpportunityCreate");

        Assert.Equal(40m, record.Money!.Amount);
        Assert.Equal("BRL", record.Money.Currency);
        Assert.Equal("open", record.Money.Status);
        Assert.Contains(new Identifier(IdentifierKinds.GhlContactId, "cJAWDskpkJHbRbhAT7bs"), record.Identifiers);
    }

    [Fact]
    public void A_paid_invoice_and_an_order_keep_their_own_currency_and_amount()
    {
        var invoice = Map("InvoicePaid");
        var order = Map("OrderCreate");

        Assert.Equal((999m, "USD", "paid"), (invoice.Money!.Amount, invoice.Money.Currency, invoice.Money.Status));
        Assert.Contains(new Identifier(IdentifierKinds.Email, "alex@example.com"), invoice.Identifiers);
        Assert.Equal((150.1m, "USD"), (order.Money!.Amount, order.Money.Currency));
        Assert.Contains(new Identifier(IdentifierKinds.Email, "limof@mailinator.com"), order.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.GhlContactId, "ff2JstbQJfRuofXzeT0M"), order.Identifiers);
    }

    [Fact]
    public void A_search_result_contact_names_its_custom_fields_and_reads_the_cpf_field_as_a_document()
    {
        const string json = """
            {"id":"c1","locationId":"L1","firstName":"Ana","lastName":"Souza","email":"ana@x.com.br","phone":"(11) 98765-4321",
             "dateAdded":"2024-01-02T03:04:05.000Z","dateUpdated":"2024-02-03T04:05:06.000Z","tags":[],
             "customFields":[{"id":"f1","value":"123.456.789-09"},{"id":"f2","value":"Curso"}],"searchAfter":[1,"c1"]}
            """;
        using var document = JsonDocument.Parse(json);

        var record = GhlMapping.Contact(document.RootElement, new Dictionary<string, string> { ["f1"] = "contact.cpf", ["f2"] = "contact.produto" });

        Assert.Contains(new Identifier(IdentifierKinds.Cpf, "123.456.789-09"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "(11) 98765-4321"), record.Identifiers);
        Assert.Equal("Curso", record.Attributes["cf.contact.produto"]);
        Assert.Equal(new DateTimeOffset(2024, 2, 3, 4, 5, 6, TimeSpan.Zero), record.SourceUpdatedAt);
    }
}
