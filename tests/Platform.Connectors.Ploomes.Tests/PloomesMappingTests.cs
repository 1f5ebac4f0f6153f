using Platform.Contracts.Records;
using static Platform.Connectors.Ploomes.Tests.PloomesSamples;

namespace Platform.Connectors.Ploomes.Tests;

public class PloomesMappingTests
{
    private static CanonicalRecord Contact(string fixture, PloomesMappingOptions? options = null) =>
        PloomesMapping.MapContact(Element(fixture), options ?? Options())!;

    private static CanonicalRecord Deal(string json, PloomesMappingOptions? options = null) =>
        PloomesMapping.MapDeal(Parse(json), options ?? Options())!;

    [Fact]
    public void A_person_maps_to_a_contact_with_cpf_email_phones_and_its_ploomes_id()
    {
        var record = Contact("contact-person");

        Assert.Equal(EntityType.Contact, record.EntityType);
        Assert.Equal("ploomes", record.Source);
        Assert.Equal("401234567", record.ExternalId);
        Assert.Equal(
            [
                new Identifier(IdentifierKinds.PloomesContactId, "401234567"),
                new Identifier(IdentifierKinds.Cpf, "123.456.789-09"),
                new Identifier(IdentifierKinds.Email, "maria.souza@exemplo.com.br"),
                new Identifier(IdentifierKinds.Phone, "(11) 98765-4321"),
                new Identifier(IdentifierKinds.Phone, "(11) 3456-7890"),
            ],
            record.Identifiers);
        Assert.Equal("Maria Aparecida Souza", record.Person!.FullName);
        Assert.Equal("Maria", record.Person.FirstName);
        Assert.Equal("Aparecida Souza", record.Person.LastName);
        Assert.Null(record.Company);
        Assert.Equal(new DateTimeOffset(2024, 5, 20, 19, 3, 11, 500, TimeSpan.Zero), record.SourceUpdatedAt);
        Assert.Equal("10018838", record.Attributes["owner_id"]);
        Assert.Equal("401230001", record.Attributes["company_id"]);
    }

    [Fact]
    public void A_company_maps_to_a_company_with_its_cnpj_names_and_ploomes_id()
    {
        var record = Contact("contact-company");

        Assert.Equal(EntityType.Company, record.EntityType);
        Assert.Equal(
            [new Identifier(IdentifierKinds.PloomesContactId, "401230001"), new Identifier(IdentifierKinds.Cnpj, "11.222.333/0001-81")],
            record.Identifiers);
        Assert.Equal("Padaria Pão Quente", record.Company!.Name);
        Assert.Equal("Pão Quente Comércio de Alimentos Ltda", record.Company.LegalName);
        Assert.Null(record.Person);
        // The front desk's email and phone are kept, but do not link the company to the people who share them.
        Assert.Equal("contato@paoquente.com.br", record.Attributes["email"]);
        Assert.Equal("""["(11) 3333-4444"]""", record.Attributes["phones"]);
    }

    [Fact]
    public void Dates_without_an_offset_are_read_as_utc()
    {
        var record = Contact("contact-company");
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero), record.SourceUpdatedAt);
    }

    [Fact]
    public void Tags_are_kept_by_name_and_the_configured_client_tag_marks_a_customer()
    {
        var record = Contact("contact-person", Options(tagName: "cliente"));

        Assert.Equal("""["Cliente","Evento São Paulo 2024"]""", record.Attributes["tags"]);
        Assert.Equal("true", record.Attributes["is_customer"]);
    }

    [Fact]
    public void The_client_tag_can_be_configured_by_its_id()
    {
        Assert.Equal("true", Contact("contact-person", Options(tagName: null, tagId: 5501)).Attributes["is_customer"]);
        Assert.Equal("false", Contact("contact-person", Options(tagName: null, tagId: 9999)).Attributes["is_customer"]);
    }

    [Fact]
    public void A_contact_without_the_client_tag_is_not_a_customer_and_without_a_configured_tag_nothing_is_claimed()
    {
        Assert.Equal("false", Contact("contact-company").Attributes["is_customer"]);
        Assert.False(Contact("contact-person", Options(tagName: null)).Attributes.ContainsKey("is_customer"));
    }

    [Fact]
    public void Custom_fields_are_kept_as_attributes_by_field_key()
    {
        var attributes = Contact("contact-person").Attributes;

        Assert.Equal("Indicação de cliente", attributes["contact_8F1C2A34-6B7D-4E2F-9A10-0C0FFEE00001"]);
        Assert.Equal("Plano Ouro", attributes["contact_8F1C2A34-6B7D-4E2F-9A10-0C0FFEE00002"]); // the option's name, not its id
        Assert.Equal("2024-01-10T00:00:00-03:00", attributes["contact_8F1C2A34-6B7D-4E2F-9A10-0C0FFEE00003"]);
        Assert.Equal("true", attributes["contact_8F1C2A34-6B7D-4E2F-9A10-0C0FFEE00004"]);
        Assert.False(attributes.ContainsKey("contact_8F1C2A34-6B7D-4E2F-9A10-0C0FFEE00005"));
        Assert.Equal("1250000.5", Contact("contact-company").Attributes["contact_8F1C2A34-6B7D-4E2F-9A10-0C0FFEE00010"]);
    }

    [Theory]
    [InlineData("deal-open", "open", "2024-06-03T12:30:00Z")]   // CreateDate
    [InlineData("deal-won", "won", "2024-05-28T18:40:00Z")]     // FinishDate
    [InlineData("deal-lost", "lost", "2024-03-19T20:45:00Z")]   // FinishDate
    public void A_deal_status_comes_from_StatusId_and_it_occurred_when_created_or_when_finished(string fixture, string status, string occurredAt)
    {
        var record = Deal(Text(fixture));

        Assert.Equal(EntityType.Deal, record.EntityType);
        Assert.Equal(status, record.Money!.Status);
        Assert.Equal(DateTimeOffset.Parse(occurredAt, System.Globalization.CultureInfo.InvariantCulture), record.Money.OccurredAt);
    }

    [Fact]
    public void A_won_deal_carries_its_amount_title_pipeline_stage_owner_and_update_date()
    {
        var record = Deal(Text("deal-won"));

        Assert.Equal("98765001", record.ExternalId);
        Assert.Equal(12990.50m, record.Money!.Amount);
        Assert.Equal("BRL", record.Money.Currency);
        Assert.Equal("Plano Anual Ouro", record.Money.Product);
        Assert.Equal(new DateTimeOffset(2024, 5, 28, 18, 40, 2, 123, TimeSpan.Zero), record.SourceUpdatedAt);
        Assert.Equal("210034", record.Attributes["stage_id"]);
        Assert.Equal("40012", record.Attributes["pipeline_id"]);
        Assert.Equal("10018838", record.Attributes["owner_id"]);
        Assert.Equal("""["Renovação"]""", record.Attributes["tags"]);
        Assert.Equal("Cartão de crédito", record.Attributes["deal_5A7E9C21-0B3D-4F6A-8E12-0DEAD0000001"]);
    }

    [Fact]
    public void A_deal_links_to_its_person_by_ploomes_id_cpf_email_and_phone_and_is_a_customer_by_the_contacts_tag()
    {
        var record = Deal(Text("deal-won"));

        Assert.Equal(
            [
                new Identifier(IdentifierKinds.PloomesContactId, "401234567"),
                new Identifier(IdentifierKinds.Cpf, "123.456.789-09"),
                new Identifier(IdentifierKinds.Email, "maria.souza@exemplo.com.br"),
                new Identifier(IdentifierKinds.Phone, "(11) 98765-4321"),
            ],
            record.Identifiers);
        Assert.Equal("Maria Aparecida Souza", record.Person!.FullName);
        Assert.Equal("true", record.Attributes["is_customer"]);
    }

    [Fact]
    public void A_deal_with_a_company_links_to_the_company_not_to_the_person_at_it()
    {
        var record = Deal(Text("deal-open"));

        Assert.Equal(
            [new Identifier(IdentifierKinds.PloomesContactId, "401230001"), new Identifier(IdentifierKinds.Cnpj, "11.222.333/0001-81")],
            record.Identifiers);
        Assert.Equal("Padaria Pão Quente", record.Company!.Name);
        Assert.Equal("401234567", record.Attributes["person_id"]);
    }

    [Fact]
    public void A_deal_without_its_contact_expanded_still_links_by_ploomes_contact_id_and_reads_a_string_amount()
    {
        var record = Deal(Text("deal-lost"));

        Assert.Equal([new Identifier(IdentifierKinds.PloomesContactId, "401234599")], record.Identifiers);
        Assert.Equal(4800.00m, record.Money!.Amount);
        Assert.Equal("João Pereira", record.Attributes["contact_name"]);
        Assert.Equal("812", record.Attributes["loss_reason_id"]);
        Assert.False(record.Attributes.ContainsKey("is_customer"));
    }

    [Fact]
    public void A_deal_without_a_currency_takes_the_configured_default_and_one_that_names_its_currency_keeps_it()
    {
        Assert.Equal("USD", Deal(Text("deal-won"), Options(currency: "USD")).Money!.Currency);
        var inDollars = Edit("deal-won", d => d["Currency"] = new System.Text.Json.Nodes.JsonObject { ["Id"] = 2, ["Short"] = "usd" });
        Assert.Equal("USD", Deal(inDollars).Money!.Currency);
    }

    [Fact]
    public void The_default_currency_is_BRL_unless_configured_and_a_workspace_may_override_it()
    {
        var none = PloomesMappingOptions.For(Configuration(), Credentials(new Dictionary<string, string?> { ["UserKey"] = "k" }));
        Assert.Equal("BRL", none.DefaultCurrency);

        var global = new Dictionary<string, string?> { ["Connectors:Ploomes:DefaultCurrency"] = "mxn" };
        Assert.Equal("MXN", PloomesMappingOptions.For(Configuration(global), Credentials(new Dictionary<string, string?> { ["UserKey"] = "k" })).DefaultCurrency);

        var own = Credentials(new Dictionary<string, string?> { ["DefaultCurrency"] = "ARS", ["ClientTagId"] = "5501", ["ClientTagName"] = " Cliente " });
        var options = PloomesMappingOptions.For(Configuration(global), own);
        Assert.Equal("ARS", options.DefaultCurrency);
        Assert.Equal(5501, options.ClientTagId);
        Assert.Equal("Cliente", options.ClientTagName);
    }

    [Fact]
    public void Missing_fields_and_nulls_do_not_break_the_mapping()
    {
        var contact = PloomesMapping.MapContact(Parse("""{"Id":"55","Name":null,"Phones":null,"Tags":[{"Tag":null}],"OtherProperties":[{"FieldKey":null}]}"""), Options())!;
        Assert.Equal(EntityType.Contact, contact.EntityType);
        Assert.Equal([new Identifier(IdentifierKinds.PloomesContactId, "55")], contact.Identifiers);
        Assert.Null(contact.Person);
        Assert.Equal(DateTimeOffset.UnixEpoch, contact.SourceUpdatedAt);

        var deal = PloomesMapping.MapDeal(Parse("""{"Id":77,"Amount":null,"StatusId":null,"ContactId":null}"""), Options())!;
        Assert.Equal(0m, deal.Money!.Amount);
        Assert.Equal("unknown", deal.Money.Status);
        Assert.Empty(deal.Identifiers);

        Assert.Null(PloomesMapping.MapDeal(Parse("""{"Title":"sem id"}"""), Options()));
    }

    [Fact]
    public void A_contact_without_a_type_is_a_company_when_it_has_only_a_cnpj()
    {
        var record = PloomesMapping.MapContact(Parse("""{"Id":9,"Name":"Oficina do Zé","CNPJ":"11.222.333/0001-81"}"""), Options())!;
        Assert.Equal(EntityType.Company, record.EntityType);
    }

    [Fact]
    public void The_generic_Register_field_stands_in_for_a_missing_cpf()
    {
        var record = PloomesMapping.MapContact(Parse("""{"Id":10,"TypeId":2,"Name":"Ana Lima","Register":"987.654.321-00"}"""), Options())!;
        Assert.Contains(new Identifier(IdentifierKinds.Cpf, "987.654.321-00"), record.Identifiers);
    }
}
