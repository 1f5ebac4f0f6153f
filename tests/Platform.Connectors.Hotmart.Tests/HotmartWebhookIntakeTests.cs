using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Connectors.Backfill;
using Platform.Contracts.Records;

namespace Platform.Connectors.Hotmart.Tests;

public class HotmartWebhookIntakeTests(HotmartConnectorFixture fixture) : IClassFixture<HotmartConnectorFixture>
{
    private const string Url = $"/webhooks/hotmart/{HotmartConnectorFixture.Workspace}";

    private static HttpRequestMessage Postback(string body, string? hottok = HotmartConnectorFixture.Hottok)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.UserAgent.ParseAdd("Jodd-HTTP");
        if (hottok is not null)
        {
            request.Headers.Add(HotmartWebhookReceiver.HottokHeader, hottok);
        }
        return request;
    }

    private static (string Body, string Transaction) Approved(DateTimeOffset? createdAt = null, Action<System.Text.Json.Nodes.JsonObject>? change = null)
    {
        var transaction = $"HP{Guid.NewGuid():N}";
        return (HotmartSamples.Fresh("raw-purchase_approved-v2", Guid.NewGuid().ToString(), transaction, createdAt, change), transaction);
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (await condition())
            {
                return true;
            }
        }
        return await condition();
    }

    private Task<long> RowsFor(string externalId) =>
        fixture.CountAsync("select count(*) from raw_records where external_id = @id", ("id", externalId));

    [Fact]
    public async Task A_postback_with_the_right_hottok_is_staged_and_published_as_RawRecordStaged()
    {
        var (body, transaction) = Approved();
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await fixture.CountAsync(
            "select count(*) from raw_records where external_id = @id and payload = @payload and stream = 'sales'", ("id", transaction), ("payload", body)));
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == transaction);
        Assert.Equal(HotmartConnectorFixture.Workspace, staged.WorkspaceId);
        Assert.Equal("hotmart", staged.Source);
        Assert.Equal(EntityType.Purchase, staged.Record.EntityType);
        Assert.Equal(1500m, staged.Record.Money!.Amount);
        Assert.Equal("APPROVED", staged.Record.Money.Status);
        Assert.Contains(new Identifier(IdentifierKinds.Cpf, "69526128664"), staged.Record.Identifiers);
        // The relay publishes, then takes the row out of the outbox: the message can arrive a moment before.
        Assert.True(await Eventually(async () => await fixture.CountAsync(
            "select count(*) from raw_records r where external_id = @id and not exists (select 1 from raw_record_outbox o where o.id = r.id)",
            ("id", transaction)) == 1));
    }

    [Fact]
    public async Task A_postback_with_a_wrong_hottok_is_refused_with_401_and_nothing_is_staged()
    {
        var (body, transaction) = Approved();
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body, "not-the-hottok"));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "hotmart");
        Assert.Equal(0, await RowsFor(transaction));
    }

    [Fact]
    public async Task A_hottok_sent_inside_the_body_is_redacted_before_anything_is_stored()
    {
        var (body, transaction) = Approved(change: b => b["hottok"] = HotmartConnectorFixture.Hottok);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body, hottok: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(transaction));
        Assert.Equal(0, await fixture.CountAsync(
            "select count(*) from raw_records where payload like '%' || @secret || '%'", ("secret", HotmartConnectorFixture.Hottok)));
        Assert.Equal(0, await fixture.CountAsync(
            "select count(*) from webhook_events where body like '%' || @secret || '%'", ("secret", HotmartConnectorFixture.Hottok)));
        Assert.Equal(1, await fixture.CountAsync(
            "select count(*) from raw_records where external_id = @id and payload::jsonb ->> 'hottok' = '[redacted]'", ("id", transaction)));
    }

    [Fact]
    public async Task A_postback_with_the_right_hottok_whose_body_is_not_json_is_answered_400()
    {
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback("hottok=x&prod=1&status=APPROVED"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a JSON object", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postback_without_a_hottok_is_refused_with_401_and_nothing_is_staged()
    {
        var (body, transaction) = Approved();
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body, hottok: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await RowsFor(transaction));
    }

    [Fact]
    public async Task The_same_postback_delivered_twice_is_one_row_and_the_second_answer_says_duplicate()
    {
        var (body, transaction) = Approved();
        using var client = fixture.Service.CreateClient();

        using var first = await client.SendAsync(Postback(body));
        using var second = await client.SendAsync(Postback(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var answer = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await RowsFor(transaction));
    }

    [Fact]
    public async Task A_sale_that_changes_status_is_a_new_version_of_the_same_transaction()
    {
        var (approved, transaction) = Approved();
        var refunded = HotmartSamples.Fresh("raw-purchase_refunded-v2", Guid.NewGuid().ToString(), transaction);
        using var client = fixture.Service.CreateClient();

        (await client.SendAsync(Postback(approved))).EnsureSuccessStatusCode();
        (await client.SendAsync(Postback(refunded))).EnsureSuccessStatusCode();

        Assert.Equal(2, await RowsFor(transaction));
        await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == transaction && m.Record.Money!.Status == "REFUNDED");
    }

    [Fact]
    public async Task An_oversize_postback_is_refused_with_413_and_nothing_is_staged()
    {
        var (body, transaction) = Approved(change: b => b["data"]!["product"]!["name"] = new string('x', 70_000));
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await RowsFor(transaction));
    }

    [Fact]
    public async Task A_postback_older_than_the_age_limit_is_refused_with_401_as_a_possible_replay()
    {
        var (body, transaction) = Approved(DateTimeOffset.UtcNow.AddDays(-45));
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "hotmart");
        Assert.Equal(0, await RowsFor(transaction));
    }

    [Fact]
    public async Task An_abandoned_cart_is_staged_as_an_abandoned_purchase_of_the_lead()
    {
        var eventId = Guid.NewGuid().ToString();
        var body = HotmartSamples.Fresh("raw-purchase_out_of_shopping_cart-v2", eventId);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == "cart:" + eventId);
        Assert.Equal("abandoned", staged.Record.Attributes["status"]);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "teste@hotmart.com.br"), staged.Record.Identifiers);
    }

    [Fact]
    public async Task An_event_the_platform_does_not_use_is_acknowledged_without_staging()
    {
        var body = $$$"""{"id":"{{{Guid.NewGuid()}}}","creation_date":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"event":"PRODUCT_UPDATED","version":"2.0.0","data":{}}""";
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Postback(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, answer.GetProperty("staged").GetInt32());
    }

    [Fact]
    public void The_host_offers_the_sales_stream_to_the_backfill_runner()
    {
        using var scope = fixture.Service.Services.CreateScope();

        var streams = scope.ServiceProvider.GetServices<ISourceStreamReader>();

        Assert.IsType<HotmartSalesStreamReader>(Assert.Single(streams, s => s.Name == "sales"));
    }
}
