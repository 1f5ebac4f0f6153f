using System.Text.Json;
using Platform.Contracts.Records;

namespace Platform.Connectors.Hotmart.Tests;

public class HotmartMappingTests
{
    private static HotmartRecord Map(string sample) =>
        HotmartMapping.MapEvent(HotmartSamples.Element(sample)) ?? throw new InvalidOperationException($"{sample} mapped to nothing");

    private static DateTimeOffset Ms(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    [Theory]
    [MemberData(nameof(HotmartSamples.Files), MemberType = typeof(HotmartSamples))]
    public void Every_hotmart_sample_postback_parses_and_maps_to_a_hotmart_record(string sample)
    {
        var envelope = HotmartSamples.Element(sample);

        var mapped = Map(sample);

        var record = mapped.Record;
        Assert.Equal("hotmart", record.Source);
        Assert.False(string.IsNullOrWhiteSpace(record.ExternalId));
        Assert.Equal(HotmartMapping.EventCreatedAt(envelope), record.SourceUpdatedAt);
        Assert.Equal(envelope.GetProperty("event").GetString(), record.Attributes["event"]);
        Assert.NotEmpty(record.Identifiers);
        // The canonical record must survive the trip through the staging table and the bus.
        var json = JsonSerializer.Serialize(record, CanonicalJson.Options);
        Assert.Equal(record.ExternalId, JsonSerializer.Deserialize<CanonicalRecord>(json, CanonicalJson.Options)!.ExternalId);
    }

    [Theory]
    [InlineData("raw-purchase_approved-v2", "APPROVED")]
    [InlineData("test2-purchase_approved-v2", "APPROVED")]
    [InlineData("raw-purchase_complete-v2", "COMPLETE")]
    [InlineData("test-purchase_canceled-v2", "CANCELLED")]
    [InlineData("raw-purchase_refunded-v2", "REFUNDED")]
    [InlineData("test-purchase_chargeback-v2", "CHARGEBACK")]
    [InlineData("raw-purchase_protest-v2", "PROTESTED")]
    [InlineData("test2-purchase_protest-v2", "PROTESTED")]
    [InlineData("test-purchase_expired-v2", "EXPIRED")]
    public void Every_purchase_postback_is_a_purchase_of_its_transaction_with_the_sales_api_status(string sample, string status)
    {
        var mapped = Map(sample);

        Assert.Equal(HotmartMapping.SalesStream, mapped.Stream);
        Assert.Equal(EntityType.Purchase, mapped.Record.EntityType);
        Assert.Equal("HP16015479281022", mapped.Record.ExternalId);
        Assert.Equal(status, mapped.Record.Money!.Status);
        Assert.Equal(1500m, mapped.Record.Money.Amount);
    }

    [Fact]
    public void A_purchase_carries_its_price_buyer_identifiers_and_offer()
    {
        var record = Map("raw-purchase_approved-v2").Record;

        Assert.Equal(Ms(1759194927364), record.SourceUpdatedAt);
        var money = record.Money!;
        Assert.Equal(1500m, money.Amount);
        Assert.Equal("BRL", money.Currency);
        Assert.Equal(Ms(1511783346000), money.OccurredAt); // approved_date, not order_date
        Assert.Equal("Produto test postback2", money.Product);

        Assert.Contains(new Identifier(IdentifierKinds.Email, "testeComprador271101postman15@example.com"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Cpf, "69526128664"), record.Identifiers);
        // checkout_phone_code "999999999" is a prefix of checkout_phone "99999999900": the number is used alone.
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "99999999900"), record.Identifiers);
        Assert.Single(record.Identifiers, i => i.Kind == IdentifierKinds.Phone);

        var person = record.Person!;
        Assert.Equal("Teste Comprador", person.FullName);
        Assert.Equal("Teste", person.FirstName);
        Assert.Equal("Comprador", person.LastName);
        Assert.Equal("Uberlândia", person.City);
        Assert.Equal("Minas Gerais", person.State);
        Assert.Equal("BR", person.Country);
        Assert.Null(record.Company);

        var a = record.Attributes;
        Assert.Equal("test", a["offer_code"]);
        Assert.Equal("SHHUHA", a["coupon_code"]);
        Assert.Equal("CREDIT_CARD", a["payment_type"]);
        Assert.Equal("12", a["installments"]);
        Assert.Equal("true", a["order_bump"]);
        Assert.Equal("HP02316330308193", a["order_bump_parent_transaction"]);
        Assert.Equal("I9OT62C3", a["subscriber_code"]);
        Assert.Equal("ACTIVE", a["subscription_status"]);
        Assert.Equal("plano de teste", a["plan_name"]);
        Assert.Equal("123", a["plan_id"]);
        Assert.Equal("Q58388177J", a["affiliate_code"]);
        Assert.Equal("1511783344000", a["order_date"]);
        Assert.False(a.ContainsKey("status_as_sent"));
    }

    [Theory]
    [InlineData("raw-purchase_complete-v2", "COMPLETE", "COMPLETED")]
    [InlineData("test-purchase_canceled-v2", "CANCELLED", "CANCELED")]
    [InlineData("raw-purchase_protest-v2", "PROTESTED", "DISPUTE")]
    public void A_postback_status_spelled_differently_from_the_sales_api_is_normalised_and_the_original_kept(
        string sample, string normalised, string asSent)
    {
        var record = Map(sample).Record;
        Assert.Equal(normalised, record.Money!.Status);
        Assert.Equal(asSent, record.Attributes["status_as_sent"]);
    }

    [Fact]
    public void An_abandoned_cart_is_an_abandoned_purchase_with_the_leads_contact_and_no_money()
    {
        var mapped = Map("raw-purchase_out_of_shopping_cart-v2");

        var record = mapped.Record;
        Assert.Equal(HotmartMapping.AbandonedCartsStream, mapped.Stream);
        Assert.Equal(EntityType.Purchase, record.EntityType);
        Assert.Equal("cart:d78acfdd-3709-46ff-b28d-b59a39553684", record.ExternalId);
        Assert.Null(record.Money);
        Assert.Equal("abandoned", record.Attributes["status"]);
        Assert.Equal("Produto test postback2 com ç e á", record.Attributes["product_name"]);
        Assert.Equal("123456", record.Attributes["product_id"]);
        Assert.Equal("n82b9jqz", record.Attributes["offer_code"]);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "teste@hotmart.com.br"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "999999999"), record.Identifiers);
        Assert.Equal("Postback2 teste", record.Person!.FullName);
        Assert.Equal("BR", record.Person.Country);
    }

    [Fact]
    public void An_abandoned_cart_without_any_buyer_data_maps_to_nothing()
    {
        var body = HotmartSamples.Fresh("raw-purchase_out_of_shopping_cart-v2", "evt-no-buyer", change: b => b["data"]!.AsObject().Remove("buyer"));
        Assert.Null(HotmartMapping.MapEvent(JsonDocument.Parse(body).RootElement));
    }

    [Fact]
    public void A_subscription_cancellation_is_the_subscription_of_its_subscriber_code_marked_cancelled()
    {
        var mapped = Map("raw-subscription_cancellation-v2");

        var record = mapped.Record;
        Assert.Equal(HotmartMapping.SubscriptionsStream, mapped.Stream);
        Assert.Equal(EntityType.Subscription, record.EntityType);
        Assert.Equal("0000aaaa", record.ExternalId);
        Assert.Equal([new Identifier(IdentifierKinds.Email, "test@hotmart.com")], record.Identifiers); // empty phones are dropped
        Assert.Equal("User name", record.Person!.FullName);
        Assert.Equal("CANCELLED", record.Attributes["subscription_status"]);
        Assert.Equal("Subscription Plan Name", record.Attributes["plan_name"]);
        Assert.Equal("4148584", record.Attributes["subscription_id"]);
        Assert.Equal("1609181285500", record.Attributes["cancellation_date"]);
        Assert.Equal("64.9", record.Attributes["recurrence_value"]);
        Assert.Null(record.Money);
    }

    [Fact]
    public void A_plan_switch_records_the_current_and_previous_plan_of_the_subscription()
    {
        var record = Map("raw-switch_plan-v2").Record;

        Assert.Equal(EntityType.Subscription, record.EntityType);
        Assert.Equal("9W2LNSG4", record.ExternalId);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "teste@hotmart.com.br"), record.Identifiers);
        Assert.Equal("Novo produto test postback2", record.Attributes["plan_name"]);
        Assert.Equal("654321", record.Attributes["plan_id"]);
        Assert.Equal("n6hup357", record.Attributes["offer_code"]);
        Assert.Equal("Plano teste com ç e á", record.Attributes["previous_plan_name"]);
        Assert.Equal("ACTIVE", record.Attributes["subscription_status"]);
        Assert.Equal("1553729084000", record.Attributes["switch_plan_date"]);
    }

    [Fact]
    public void A_charge_date_change_keeps_the_old_and_new_charge_days_and_the_next_charge_as_sent()
    {
        var record = Map("raw-update_subscription_charge_date-v2").Record;

        Assert.Equal(EntityType.Subscription, record.EntityType);
        Assert.Equal("00000000", record.ExternalId);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "test@hotmart.com"), record.Identifiers);
        Assert.Equal("7", record.Attributes["old_charge_day"]);
        Assert.Equal("1", record.Attributes["new_charge_day"]);
        Assert.Equal("2022-10-25T12:00:00.000Z", record.Attributes["date_next_charge"]);
        Assert.Equal("000000", record.Attributes["offer_code"]);
        Assert.Equal("Plan Test", record.Attributes["plan_name"]);
    }

    [Fact]
    public void A_first_club_access_is_enrichment_of_the_member_dated_by_its_camel_case_creation_date()
    {
        var mapped = Map("test-club_first_access-v2");

        var record = mapped.Record;
        Assert.Equal(HotmartMapping.ClubStream, mapped.Stream);
        Assert.Equal(EntityType.Enrichment, record.EntityType);
        Assert.Equal("club:7fe795fa-285c-430f-9a91-afce10a9216f", record.ExternalId);
        Assert.Equal(Ms(1763247745996), record.SourceUpdatedAt);
        Assert.Equal([new Identifier(IdentifierKinds.Email, "teste@hotmart.com.br")], record.Identifiers);
        Assert.Equal("Test Name", record.Person!.FullName);
        Assert.Equal("Produto test postback2", record.Attributes["product_name"]);
    }

    [Fact]
    public void A_completed_club_module_names_the_module_and_keeps_a_string_product_id()
    {
        var record = Map("test-club_module_completed-v2").Record;

        Assert.Equal(EntityType.Enrichment, record.EntityType);
        Assert.Equal("hash123", record.Attributes["module_id"]);
        Assert.Equal("Mudule test name", record.Attributes["module_name"]);
        Assert.Equal("00000", record.Attributes["product_id"]);
    }

    [Fact]
    public void An_event_the_platform_does_not_use_maps_to_nothing()
    {
        var body = """{"id":"e1","creation_date":1763247745900,"event":"PRODUCT_UPDATED","version":"2.0.0","data":{"product":{"id":1}}}""";
        Assert.Null(HotmartMapping.MapEvent(JsonDocument.Parse(body).RootElement));
    }

    [Fact]
    public void A_postback_without_an_id_is_rejected_naming_the_field()
    {
        var body = """{"creation_date":1763247745900,"event":"PURCHASE_APPROVED","data":{}}""";
        var error = Assert.Throws<JsonException>(() => HotmartMapping.MapEvent(JsonDocument.Parse(body).RootElement));
        Assert.Contains("\"id\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_buyer_with_a_cnpj_is_also_named_as_a_company()
    {
        var body = HotmartSamples.Fresh("raw-purchase_approved-v2", "evt-cnpj", change: b =>
        {
            b["data"]!["buyer"]!["document"] = "11.222.333/0001-81";
            b["data"]!["buyer"]!["document_type"] = "CNPJ";
            b["data"]!["buyer"]!["name"] = "Acme Cursos Ltda";
        });

        var record = HotmartMapping.MapEvent(JsonDocument.Parse(body).RootElement)!.Record;

        Assert.Contains(new Identifier(IdentifierKinds.Cnpj, "11.222.333/0001-81"), record.Identifiers);
        Assert.DoesNotContain(record.Identifiers, i => i.Kind == IdentifierKinds.Cpf);
        Assert.Equal("Acme Cursos Ltda", record.Company!.Name);
    }

    [Theory]
    [InlineData("999999999", "99999999900", "99999999900")]
    [InlineData("55", "11987654321", "+5511987654321")]
    [InlineData("+55", "(11) 98765-4321", "+5511987654321")]
    [InlineData("11", "987654321", "11987654321")]
    [InlineData(null, "11 98765-4321", "11987654321")]
    [InlineData("55", "", null)]
    [InlineData("55", null, null)]
    public void A_checkout_phone_is_joined_with_its_code_the_way_the_code_reads(string? code, string? number, string? expected) =>
        Assert.Equal(expected, HotmartMapping.CheckoutPhone(code, number));

    private const string HistoryItem = """
        {
          "product": { "name": "Product06", "id": 2125812 },
          "buyer": { "name": "Ian Victor Baptista", "ucode": "839F1A4F-43DC-F60F-13FE-6C8BD23F6781", "email": "ian@teste.com" },
          "producer": { "name": "Bárbara Sebastiana Cardoso", "ucode": "252A74C5-4A97-143A-9349-E45D871C6018" },
          "purchase": {
            "transaction": "HP12455690122399", "order_date": 1622948400000, "approved_date": 1622948460000,
            "status": "UNDER_ANALISYS", "recurrency_number": 2, "is_subscription": false, "commission_as": "PRODUCER",
            "price": { "value": 235.76, "currency_code": "USD" },
            "payment": { "method": "BILLET", "installments_number": 1, "type": "BILLET" },
            "tracking": { "source_sck": "HOTMART_PRODUCT_PAGE", "source": "HOTMART", "external_code": "FD256D24" },
            "warranty_expire_date": 1625022000000,
            "offer": { "payment_mode": "INVOICE", "code": "k2pasun0" }
          }
        }
        """;

    [Fact]
    public void A_sales_history_item_maps_with_the_same_rules_as_a_postback_sale()
    {
        var readAt = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture);

        var record = HotmartMapping.MapSale(JsonDocument.Parse(HistoryItem).RootElement, participant: null, readAt)!;

        Assert.Equal(EntityType.Purchase, record.EntityType);
        Assert.Equal("HP12455690122399", record.ExternalId);
        Assert.Equal(readAt, record.SourceUpdatedAt);
        Assert.Equal(235.76m, record.Money!.Amount);
        Assert.Equal("USD", record.Money.Currency);
        Assert.Equal("UNDER_ANALISYS", record.Money.Status);
        Assert.Equal(Ms(1622948460000), record.Money.OccurredAt);
        Assert.Equal("Product06", record.Money.Product);
        Assert.Contains(new Identifier(IdentifierKinds.HotmartBuyerId, "839F1A4F-43DC-F60F-13FE-6C8BD23F6781"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "ian@teste.com"), record.Identifiers);
        Assert.Equal("Ian", record.Person!.FirstName);
        Assert.Equal("Victor Baptista", record.Person.LastName);
        Assert.Equal("BILLET", record.Attributes["payment_type"]);
        Assert.Equal("2", record.Attributes["recurrence_number"]);
        Assert.Equal("HOTMART", record.Attributes["tracking_source"]);
        Assert.Equal("k2pasun0", record.Attributes["offer_code"]);
        Assert.False(record.Attributes.ContainsKey("event"));
    }

    [Fact]
    public void A_sales_history_buyer_is_completed_with_the_phone_and_documents_of_sales_users()
    {
        var participant = new HotmartUser("839F1A4F-43DC-F60F-13FE-6C8BD23F6781", "Ian Victor Baptista", "ian@teste.com",
            Cellphone: "11987654321", Phone: null,
            Documents: [new HotmartUserDocument("123.456.789-09", "CPF"), new HotmartUserDocument("564654", "DOCUMENT")],
            Address: new HotmartUserAddress("Campo Grande", "MS", "Brasil", null, "79000000"));

        var record = HotmartMapping.MapSale(JsonDocument.Parse(HistoryItem).RootElement, participant, DateTimeOffset.UtcNow)!;

        Assert.Contains(new Identifier(IdentifierKinds.Phone, "11987654321"), record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Cpf, "123.456.789-09"), record.Identifiers);
        Assert.Single(record.Identifiers, i => i.Kind == IdentifierKinds.Email);
        Assert.Single(record.Identifiers, i => i.Kind == IdentifierKinds.HotmartBuyerId);
        Assert.Equal("Campo Grande", record.Person!.City);
        Assert.Null(record.Person.Country); // "Brasil" is a name, not an ISO code
    }

    [Fact]
    public void A_sale_reads_the_same_from_a_postback_and_from_the_sales_history()
    {
        var history = """
            {"product":{"id":0,"name":"Produto test postback2"},
             "buyer":{"name":"Teste Comprador","email":"testeComprador271101postman15@example.com"},
             "purchase":{"transaction":"HP16015479281022","order_date":1511783344000,"approved_date":1511783346000,
                         "status":"COMPLETE","price":{"value":1500,"currency_code":"BRL"}}}
            """;

        var fromHistory = HotmartMapping.MapSale(JsonDocument.Parse(history).RootElement, null, DateTimeOffset.UtcNow)!;
        var fromPostback = Map("raw-purchase_complete-v2").Record;

        Assert.Equal(fromPostback.ExternalId, fromHistory.ExternalId);
        Assert.Equal(fromPostback.Money, fromHistory.Money);
    }

    [Fact]
    public void A_sales_history_item_without_a_transaction_maps_to_nothing() =>
        Assert.Null(HotmartMapping.MapSale(JsonDocument.Parse("""{"purchase":{"status":"APPROVED"}}""").RootElement, null, DateTimeOffset.UtcNow));
}
