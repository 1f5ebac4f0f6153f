using System.Text.Json;
using Platform.Connectors.ManyChat.Mapping;
using Platform.Contracts.Records;

namespace Platform.Connectors.ManyChat.Tests;

public sealed class ManyChatMappingTests
{
    [Fact]
    public void A_subscriber_becomes_a_contact_with_its_ids_tags_opt_ins_and_custom_fields()
    {
        using var document = JsonDocument.Parse("""
            {"id":"123456","page_id":"1001","first_name":"Ana","last_name":"Souza","name":"Ana Souza","email":"ana@example.com",
             "phone":"+5511987654321","whatsapp_phone":"+5511987654321","optin_email":true,"optin_phone":false,
             "subscribed":"2025-01-02T10:00:00-03:00","last_interaction":"2026-02-01T09:30:00-03:00",
             "custom_fields":[{"id":1,"name":"Curso de interesse","type":"text","description":"","value":"Inglês"},{"id":2,"name":"Nota","type":"number","value":9}],
             "tags":[{"id":5,"name":"Lead"},{"id":6,"name":"Comprador"}]}
            """);
        var record = ManyChatMapping.Map(document.RootElement, DateTimeOffset.UnixEpoch);
        Assert.Equal(("manychat", EntityType.Contact, "123456"), (record.Source, record.EntityType, record.ExternalId));
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 9, 30, 0, TimeSpan.FromHours(-3)), record.SourceUpdatedAt);
        Assert.Equal(
            [new Identifier(IdentifierKinds.ManychatSubscriberId, "123456"), new Identifier(IdentifierKinds.Email, "ana@example.com"),
             new Identifier(IdentifierKinds.Phone, "+5511987654321")],
            record.Identifiers);
        Assert.Equal("Comprador, Lead", record.Attributes["manychat.tags"]);
        Assert.Equal("Inglês", record.Attributes["manychat.cf.Curso de interesse"]);
        Assert.Equal("9", record.Attributes["manychat.cf.Nota"]);
        Assert.Equal("true", record.Attributes["manychat.optin_email"]);
        Assert.Equal("false", record.Attributes["manychat.optin_phone"]);
        Assert.Equal(("Ana", "Souza"), (record.Person!.FirstName, record.Person.LastName));
    }
}
