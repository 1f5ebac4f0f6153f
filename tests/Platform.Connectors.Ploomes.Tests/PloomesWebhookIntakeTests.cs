using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Connectors.Backfill;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using static Platform.Connectors.Ploomes.Tests.PloomesSamples;

namespace Platform.Connectors.Ploomes.Tests;

public class PloomesWebhookIntakeTests(PloomesConnectorFixture fixture) : IClassFixture<PloomesConnectorFixture>
{
    private const string Url = $"/webhooks/ploomes/{PloomesConnectorFixture.Workspace}";

    private static long NewId() => Random.Shared.NextInt64(100_000_000, 9_000_000_000);

    private static HttpRequestMessage Post(string body, string url = Url, string? headerKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (headerKey is not null)
        {
            request.Headers.Add("X-Ploomes-Validation-Key", headerKey);
        }
        return request;
    }

    private static string Push(long id, string entity = "Deals", string? key = PloomesConnectorFixture.ValidationKey, string? lastUpdate = null)
    {
        var keyField = key is null ? "" : $"\"ValidationKey\":\"{key}\",";
        var snapshot = lastUpdate is null ? "" : $",\"New\":{{\"Id\":{id},\"LastUpdateDate\":\"{lastUpdate}\"}}";
        return $$"""{"ResourceId":{{id}},"Entity":"{{entity}}","Action":"Update",{{keyField}}"UserId":10018838{{snapshot}}}""";
    }

    /// <summary>Puts a won deal with this id on the fake Ploomes and returns its JSON.</summary>
    private string PutDeal(long id, Action<System.Text.Json.Nodes.JsonObject>? edit = null)
    {
        var json = Edit("deal-won", d =>
        {
            d["Id"] = id;
            edit?.Invoke(d);
        });
        fixture.Ploomes.Put("Deals", id, json);
        return json;
    }

    private Task<long> RowsFor(long externalId) =>
        fixture.CountAsync("select count(*) from raw_records where external_id = @id", ("id", externalId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<long> EventuallyAsync(Func<Task<long>> count, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long value;
        while ((value = await count()) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return value;
    }

    [Fact]
    public async Task A_valid_push_is_answered_200_and_the_deal_read_back_from_Ploomes_is_staged_and_published()
    {
        var id = NewId();
        var deal = PutDeal(id);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Post(Push(id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(id));
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(PloomesConnectorFixture.Workspace, staged.WorkspaceId);
        Assert.Equal("ploomes", staged.Source);
        Assert.Equal(EntityType.Deal, staged.Record.EntityType);
        Assert.Equal(12990.50m, staged.Record.Money!.Amount);
        Assert.Equal("won", staged.Record.Money.Status);
        Assert.Contains(new Identifier(IdentifierKinds.PloomesContactId, "401234567"), staged.Record.Identifiers);
        Assert.Equal("true", staged.Record.Attributes["is_customer"]);
        // The staged payload is Ploomes' answer, untouched; the push itself is kept with the event.
        Assert.Equal(1, await fixture.CountAsync("select count(*) from raw_records where payload = @payload and stream = 'deals'", ("payload", deal)));
        // The relay publishes, then takes the row out of the outbox: the probe may hear the event a moment before.
        Assert.Equal(1, await EventuallyAsync(() => fixture.CountAsync(
            "select count(*) from raw_records r where payload = @payload and not exists (select 1 from raw_record_outbox o where o.id = r.id)",
            ("payload", deal)), 1));
        // The push is kept with the event, its ValidationKey redacted.
        Assert.Equal(1, await fixture.CountAsync("select count(*) from webhook_events where body = @body", ("body", Push(id, key: "[redacted]"))));
    }

    [Fact]
    public async Task A_retried_push_without_a_timestamp_is_a_duplicate_and_a_later_change_is_staged()
    {
        var id = NewId();
        PutDeal(id);
        using var client = fixture.Service.CreateClient();

        using var first = await client.SendAsync(Post(Push(id)));
        using var retried = await client.SendAsync(Post(Push(id)));
        PutDeal(id, d => d["Title"] = "Renamed after the first push");
        using var changed = await client.SendAsync(Post(Push(id)));

        Assert.False((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.True((await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.False((await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, await RowsFor(id));
        Assert.Equal(2, await fixture.CountAsync("select count(*) from webhook_events where body = @body", ("body", Push(id, key: "[redacted]"))));
        Assert.Equal(0, await fixture.CountAsync(
            "select count(*) from webhook_events where body like '%' || @key || '%'", ("key", PloomesConnectorFixture.ValidationKey)));
    }

    [Fact]
    public async Task A_push_for_a_workspace_this_connector_does_not_have_is_refused_like_a_wrong_key()
    {
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Post(Push(NewId()), url: "/webhooks/ploomes/nobody"));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "ploomes");
    }

    [Fact]
    public async Task A_wrong_validation_key_is_answered_401_and_nothing_is_read_or_staged()
    {
        var id = NewId();
        PutDeal(id);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Post(Push(id, key: "vk-guessed")));

        await Platform.Testing.WebhookAnswers.AssertRefusedAlikeAsync(response, "ploomes");
        Assert.Equal(0, await RowsFor(id));
        Assert.Equal(0, fixture.Ploomes.ReadsOf("Deals", id));
    }

    [Fact]
    public async Task A_key_in_the_X_Ploomes_Validation_Key_header_is_accepted_and_a_company_contact_is_staged()
    {
        var id = NewId();
        fixture.Ploomes.Put("Contacts", id, Edit("contact-company", c => c["Id"] = id));
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Post(Push(id, entity: "Contacts", key: null), headerKey: PloomesConnectorFixture.ValidationKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(EntityType.Company, staged.Record.EntityType);
        Assert.Contains(new Identifier(IdentifierKinds.Cnpj, "11.222.333/0001-81"), staged.Record.Identifiers);
    }

    [Fact]
    public async Task The_same_push_delivered_twice_is_one_row_and_the_second_answer_says_duplicate()
    {
        var id = NewId();
        PutDeal(id);
        var body = Push(id, lastUpdate: "2024-05-28T15:40:02.123-03:00");
        using var client = fixture.Service.CreateClient();

        using var first = await client.SendAsync(Post(body));
        using var second = await client.SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var answer = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await RowsFor(id));
    }

    [Fact]
    public async Task The_same_push_without_a_timestamp_delivered_twice_is_read_twice_but_staged_once()
    {
        var id = NewId();
        PutDeal(id);
        using var client = fixture.Service.CreateClient();

        using var first = await client.SendAsync(Post(Push(id)));
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // another second: a push Ploomes could have sent for a new change
        using var second = await client.SendAsync(Post(Push(id)));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, fixture.Ploomes.ReadsOf("Deals", id));
        Assert.Equal(1, await RowsFor(id));
    }

    [Fact]
    public async Task A_later_change_is_staged_as_a_new_version()
    {
        var id = NewId();
        PutDeal(id, d => d["StatusId"] = 1);
        using var client = fixture.Service.CreateClient();
        (await client.SendAsync(Post(Push(id, lastUpdate: "2024-05-20T10:00:00-03:00")))).EnsureSuccessStatusCode();

        PutDeal(id, d => d["LastUpdateDate"] = "2024-05-28T15:40:02.123-03:00");
        (await client.SendAsync(Post(Push(id, lastUpdate: "2024-05-28T15:40:02.123-03:00")))).EnsureSuccessStatusCode();

        Assert.Equal(2, await RowsFor(id));
        var externalId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == externalId && m.Record.Money!.Status == "open");
        await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == externalId && m.Record.Money!.Status == "won");
    }

    [Fact]
    public async Task A_push_for_a_deleted_deal_is_acknowledged_and_stages_nothing()
    {
        var id = NewId();
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Post(Push(id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, answer.GetProperty("staged").GetInt32());
        Assert.Equal(1, fixture.Ploomes.ReadsOf("Deals", id));
        Assert.Equal(0, await RowsFor(id));
    }

    [Fact]
    public async Task When_Ploomes_refuses_the_User_Key_the_push_is_not_acknowledged_so_it_can_be_delivered_again()
    {
        var id = NewId();
        PutDeal(id);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Post(Push(id), url: $"/webhooks/ploomes/{PloomesConnectorFixture.RevokedWorkspace}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("UserKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await RowsFor(id));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from webhook_events where body = @body", ("body", Push(id))));
    }

    [Fact]
    public async Task A_body_that_is_not_a_Ploomes_push_is_answered_400()
    {
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Post("""{"Entity":"Deals","ValidationKey":"vk-fixture-3c81e0"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ResourceId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_registers_both_streams_and_they_read_through_the_rate_limited_client()
    {
        var id = NewId();
        PutDeal(id);
        var readers = fixture.Service.Services.GetServices<ISourceStreamReader>().ToList();
        Assert.Equal(["contacts", "deals"], readers.Select(r => r.Name).Order());
        var credentials = fixture.Service.Services.GetRequiredService<ConnectorCredentials>().For(PloomesConnectorFixture.Workspace);

        var page = await readers.Single(r => r.Name == "deals")
            .ReadPageAsync(new StreamReadContext(PloomesConnectorFixture.Workspace, credentials, SyncMode.Full, null, null), null, CancellationToken.None);

        Assert.Contains(page.Records, r => r.Record.ExternalId == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(fixture.Ploomes.Requests, r => r.StartsWith("/Deals?$top=300&$skip=0&$orderby=LastUpdateDate,Id", StringComparison.Ordinal));
    }
}
