using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Connectors.Webhooks;
using Platform.Contracts.Records;
using RichardSzalay.MockHttp;
using static Platform.Connectors.Ploomes.Tests.PloomesSamples;

namespace Platform.Connectors.Ploomes.Tests;

public class PloomesWebhookReceiverTests
{
    private const string ValidationKey = "vk-2b9e41d7";
    private const string UserKey = "uk-7f3a9c";

    private readonly MockHttpMessageHandler _ploomes = new();
    private readonly PloomesWebhookReceiver _receiver;

    public PloomesWebhookReceiverTests()
    {
        _receiver = new PloomesWebhookReceiver(PloomesSamples.Api(_ploomes), Configuration());
    }

    private static WebhookRequest Request(string body, string? headerKey = null, DateTimeOffset? receivedAt = null, string? configuredKey = ValidationKey)
    {
        var headers = new HeaderDictionary();
        if (headerKey is not null)
        {
            headers[PloomesWebhookReceiver.ValidationKeyHeader] = headerKey;
        }
        var credentials = Credentials(new Dictionary<string, string?>
        {
            ["UserKey"] = UserKey,
            ["ValidationKey"] = configuredKey,
            ["ClientTagName"] = "Cliente",
        });
        return new WebhookRequest("acme", headers, Encoding.UTF8.GetBytes(body), credentials, receivedAt ?? DateTimeOffset.UtcNow);
    }

    private static string Push(string entity = "Deals", long id = 98765001, string? key = ValidationKey, string action = "Update", string? extra = null)
    {
        var keyField = key is null ? "" : $"\"ValidationKey\":\"{key}\",";
        return $$"""{"ResourceId":{{id}},"Entity":"{{entity}}","Action":"{{action}}",{{keyField}}"UserId":10018838{{extra}}}""";
    }

    [Fact]
    public void A_push_with_the_workspaces_key_in_the_body_is_accepted()
    {
        var verdict = _receiver.Verify(Request(Push()));

        Assert.True(verdict.Accepted, verdict.RefusalReason);
        Assert.Equal("deal.update", verdict.EventType);
        Assert.Equal(32, verdict.EventId.Length);
    }

    [Fact]
    public void A_push_with_the_workspaces_key_in_the_X_Ploomes_Validation_Key_header_is_accepted()
    {
        var verdict = _receiver.Verify(Request(Push(key: null), headerKey: ValidationKey));
        Assert.True(verdict.Accepted, verdict.RefusalReason);
    }

    [Theory]
    [InlineData("vk-2b9e41d8", null)]
    [InlineData("vk-2b9e41d", null)]
    [InlineData(null, "vk-wrong")]
    [InlineData("", "")]
    public void A_wrong_or_missing_key_is_refused_and_the_reason_says_which(string? bodyKey, string? headerKey)
    {
        var verdict = _receiver.Verify(Request(Push(key: bodyKey), headerKey));

        Assert.False(verdict.Accepted);
        Assert.Contains("ValidationKey", verdict.RefusalReason, StringComparison.Ordinal);
        Assert.DoesNotContain(ValidationKey, verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workspace_without_a_ValidationKey_refuses_every_push()
    {
        var verdict = _receiver.Verify(Request(Push(key: ""), configuredKey: null));

        Assert.False(verdict.Accepted);
        Assert.Contains("Connectors:Ploomes:Workspaces:acme:ValidationKey", verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_push_keeps_its_event_id_and_a_push_for_a_later_change_gets_another()
    {
        var at = ""","New":{"Id":98765001,"LastUpdateDate":"2024-05-28T15:40:02.123-03:00"}""";
        var later = ""","New":{"Id":98765001,"LastUpdateDate":"2024-05-28T15:41:30-03:00"}""";
        var now = DateTimeOffset.UtcNow;

        var first = _receiver.Verify(Request(Push(extra: at), receivedAt: now)).EventId;
        var retried = _receiver.Verify(Request(Push(entity: "Deal", extra: at), receivedAt: now.AddMinutes(5))).EventId;
        var changed = _receiver.Verify(Request(Push(extra: later), receivedAt: now)).EventId;
        var won = _receiver.Verify(Request(Push(action: "Win", extra: at), receivedAt: now)).EventId;

        Assert.Equal(first, retried);
        Assert.NotEqual(first, changed);
        Assert.NotEqual(first, won);
    }

    [Fact]
    public void Without_a_timestamp_a_push_is_identified_by_what_is_re_read_not_by_when_it_arrived()
    {
        var now = DateTimeOffset.UtcNow;
        var first = _receiver.Verify(Request(Push(), receivedAt: now));
        var retried = _receiver.Verify(Request(Push(), receivedAt: now.AddSeconds(30)));

        Assert.True(first.IdentifiedByContent);
        Assert.Equal(first.EventId, retried.EventId);
    }

    [Fact]
    public async Task The_deal_is_read_again_from_Ploomes_and_the_pushed_fields_are_ignored()
    {
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals")
            .WithHeaders("User-Key", UserKey)
            .WithExactQueryString(new Dictionary<string, string> { ["$filter"] = "Id eq 98765001", ["$expand"] = PloomesApi.DealExpand })
            .Respond("application/json", Page(Text("deal-won")));
        var forged = ""","New":{"Id":98765001,"Title":"Desconto de 99%","Amount":1,"StatusId":3,"ContactId":1}""";

        var records = await _receiver.MapAsync(Request(Push(extra: forged)), CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        var staged = Assert.Single(records);
        Assert.Equal("deals", staged.Stream);
        Assert.Equal(Text("deal-won").Trim(), staged.Payload);
        Assert.Equal(EntityType.Deal, staged.Record.EntityType);
        Assert.Equal(12990.50m, staged.Record.Money!.Amount);
        Assert.Equal("won", staged.Record.Money.Status);
        Assert.Equal("Plano Anual Ouro", staged.Record.Money.Product);
        Assert.Equal("true", staged.Record.Attributes["is_customer"]);
    }

    [Theory]
    [InlineData("""{"ResourceId":98765001,"Entity":"Deal","Action":"Update","ValidationKey":"vk-2b9e41d7"}""", "Deals", "deals")]
    [InlineData("""{"ResourceId":"98765001","Entity":"deals","Action":"Create","ValidationKey":"vk-2b9e41d7"}""", "Deals", "deals")]
    [InlineData("""{"ResourceId":98765001,"EntityId":2,"ActionId":2,"ValidationKey":"vk-2b9e41d7"}""", "Deals", "deals")]
    [InlineData("""{"ResourceId":401230001,"Entity":"Contacts","Action":"Update","ValidationKey":"vk-2b9e41d7"}""", "Contacts", "contacts")]
    [InlineData("""{"ResourceId":401230001,"EntityId":1,"ActionId":1,"ValidationKey":"vk-2b9e41d7"}""", "Contacts", "contacts")]
    public async Task Every_spelling_of_the_entity_reads_the_right_resource(string body, string resource, string stream)
    {
        var fixture = resource == "Deals" ? "deal-won" : "contact-company";
        _ploomes.Expect(HttpMethod.Get, BaseAddress + resource).Respond("application/json", Page(Text(fixture)));

        Assert.True(_receiver.Verify(Request(body)).Accepted);
        var records = await _receiver.MapAsync(Request(body), CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Equal(stream, Assert.Single(records).Stream);
    }

    [Fact]
    public async Task A_deleted_deal_stages_nothing()
    {
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals").Respond("application/json", Page());

        var records = await _receiver.MapAsync(Request(Push(action: "Delete")), CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Empty(records);
    }

    [Fact]
    public async Task An_answer_about_another_record_than_the_one_pushed_stages_nothing()
    {
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals").Respond("application/json", Page(Text("deal-open")));
        Assert.Empty(await _receiver.MapAsync(Request(Push()), CancellationToken.None));
    }

    [Fact]
    public async Task An_entity_the_platform_does_not_use_is_acknowledged_without_calling_Ploomes()
    {
        var any = _ploomes.When("*").Respond("application/json", Page());

        var records = await _receiver.MapAsync(Request(Push(entity: "Orders")), CancellationToken.None);

        Assert.Empty(records);
        Assert.Equal(0, _ploomes.GetMatchCount(any));
    }

    [Theory]
    [InlineData("""{"Entity":"Deals","Action":"Update","ValidationKey":"vk-2b9e41d7"}""", "ResourceId")]
    [InlineData("""{"ResourceId":1,"Action":"Update","ValidationKey":"vk-2b9e41d7"}""", "Entity")]
    public async Task A_push_without_its_id_or_entity_is_a_payload_error_naming_the_field(string body, string field)
    {
        var error = await Assert.ThrowsAsync<WebhookPayloadException>(() => _receiver.MapAsync(Request(body), CancellationToken.None).AsTask());
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_but_carries_the_header_key_is_malformed_not_refused()
    {
        var request = Request("ResourceId=1&Entity=Deals", headerKey: ValidationKey);

        Assert.Equal(WebhookVerdictKind.Malformed, _receiver.Verify(request).Kind);
        await Assert.ThrowsAsync<WebhookPayloadException>(() => _receiver.MapAsync(request, CancellationToken.None).AsTask());
    }
}
