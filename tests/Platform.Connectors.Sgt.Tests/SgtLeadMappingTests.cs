using System.Text.Json;
using Platform.Connectors.Sgt.Mapping;
using Platform.Contracts.Records;

namespace Platform.Connectors.Sgt.Tests;

public sealed class SgtLeadMappingTests
{
    private static JsonElement Lead(int index)
    {
        using var page = JsonDocument.Parse(SgtApiHarness.Fixture("leads-page-1.json"));
        return page.RootElement.GetProperty("data")[index].Clone();
    }

    [Fact]
    public void A_lead_is_a_contact_with_its_lead_id_email_phone_and_cpf_as_identifiers()
    {
        var record = SgtLeadMapping.Map(Lead(0));

        Assert.Equal("sgt", record.Source);
        Assert.Equal(EntityType.Contact, record.EntityType);
        Assert.Equal("2000017", record.ExternalId);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 17, 22, 5, TimeSpan.Zero), record.SourceUpdatedAt);
        Assert.Equal(
            [new Identifier("sgt_lead_id", "2000017"), new Identifier("email", "conceicao.ribeiro17@gmail.com"),
             new Identifier("phone", "(11) 98765-4321"), new Identifier("cpf", "529.982.247-25")],
            record.Identifiers);
        Assert.Equal("Conceição Araújo Ribeiro", record.Person!.FullName);
        Assert.Equal("Conceição", record.Person.FirstName);
    }

    [Fact]
    public void The_sale_flags_and_every_extra_travel_as_attributes_lists_as_json_and_numbers_as_written()
    {
        var attributes = SgtLeadMapping.Map(Lead(0)).Attributes;

        Assert.Equal("true", attributes["venda_realizada"]);
        Assert.Equal("Cliente", attributes["stage"]);
        Assert.Equal("tokeniza", attributes["empresa"]);
        Assert.Equal("false", attributes["is_cliente"]);
        Assert.Equal("15234.5", attributes["tokeniza_valor_investido"]);
        Assert.Equal("[\"Crédito Imobiliário 12\", \"Agro Soja MT 2026\"]", attributes["tokeniza_projetos"]);
        Assert.Equal("[\"webinar-irpf\", \"newsletter\"]", attributes["mautic_tags"]);
        Assert.Equal("Investidor Qualificado", attributes["plano_atual"]);
        Assert.False(attributes.ContainsKey("irpf_patrimonio_liquido"));
        Assert.All(SgtLeadMapping.ExtraFields.Where(f => f != "irpf_patrimonio_liquido"), f => Assert.True(attributes.ContainsKey(f), f));
    }

    [Fact]
    public void Blank_and_null_identifiers_are_left_out()
    {
        var record = SgtLeadMapping.Map(Lead(1));

        Assert.Equal(["sgt_lead_id", "cpf"], record.Identifiers.Select(i => i.Kind));
    }

    [Fact]
    public void A_lead_without_updated_at_or_with_an_unreadable_one_is_refused_with_the_reason()
    {
        using var missing = JsonDocument.Parse("{\"lead_id\": 5, \"nome\": \"X\"}");
        using var bad = JsonDocument.Parse("{\"lead_id\": 6, \"updated_at\": \"ontem\"}");

        Assert.Contains("updated_at", Assert.Throws<JsonException>(() => SgtLeadMapping.Map(missing.RootElement)).Message, StringComparison.Ordinal);
        Assert.Contains("ontem", Assert.Throws<FormatException>(() => SgtLeadMapping.Map(bad.RootElement)).Message, StringComparison.Ordinal);
    }
}
