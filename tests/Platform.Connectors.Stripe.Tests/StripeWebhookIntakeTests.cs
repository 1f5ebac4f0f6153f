using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Connectors.Stripe.Tests;

public class StripeWebhookIntakeTests(StripeConnectorFixture fixture) : IClassFixture<StripeConnectorFixture>
{
    private const string Url = $"/webhooks/stripe/{StripeConnectorFixture.Workspace}";

    private static HttpRequestMessage Signed(string body, string? signature = null) => new(HttpMethod.Post, Url)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
        Headers = { { "Stripe-Signature", signature ?? StripeWebhooks.Sign(body, StripeConnectorFixture.Secret) } },
    };

    private static string CustomerEvent(string customerId, string? email = null, string? eventId = null) =>
        StripeWebhooks.Event("customer.created", "customer", c =>
        {
            c["id"] = customerId;
            c["email"] = email;
        }, eventId);

    private Task<long> RowsFor(string externalId) =>
        fixture.CountAsync("select count(*) from raw_records where external_id = @id", ("id", externalId));

    [Fact]
    public async Task A_signed_customer_created_event_is_staged_and_published_as_RawRecordStaged()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Signed(CustomerEvent(customerId, "Maria.Souza@Example.com")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await RowsFor(customerId));
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == customerId);
        Assert.Equal(StripeConnectorFixture.Workspace, staged.WorkspaceId);
        Assert.Equal(EntityType.Contact, staged.Record.EntityType);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "Maria.Souza@Example.com"), staged.Record.Identifiers);
        // The relay takes the row out of the outbox once the broker confirmed it, just after the publish.
        var published = 0L;
        for (var i = 0; i < 50 && published == 0; i++, await Task.Delay(100))
        {
            published = await fixture.CountAsync(
                "select count(*) from raw_records r where external_id = @id and not exists (select 1 from raw_record_outbox o where o.id = r.id)",
                ("id", customerId));
        }
        Assert.Equal(1, published);
    }

    [Fact]
    public async Task The_raw_payload_is_kept_exactly_as_it_arrived()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        var body = CustomerEvent(customerId);
        using var client = fixture.Service.CreateClient();
        using var response = await client.SendAsync(Signed(body));
        response.EnsureSuccessStatusCode();

        using var document = JsonDocument.Parse(body);
        var expected = document.RootElement.GetProperty("data").GetProperty("object").GetRawText();
        Assert.Equal(1, await fixture.CountAsync(
            "select count(*) from raw_records where external_id = @id and payload = @payload", ("id", customerId), ("payload", expected)));
        Assert.Equal(1, await fixture.CountAsync(
            "select count(*) from webhook_events where body = @body", ("body", body)));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_one_row_and_the_second_answer_says_duplicate()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        var body = CustomerEvent(customerId, eventId: $"evt_{Guid.NewGuid():N}");
        using var client = fixture.Service.CreateClient();

        using var first = await client.SendAsync(Signed(body));
        using var second = await client.SendAsync(Signed(body));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var answer = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await RowsFor(customerId));
    }

    [Fact]
    public async Task The_same_object_in_two_different_events_is_staged_once()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        using var client = fixture.Service.CreateClient();
        (await client.SendAsync(Signed(CustomerEvent(customerId, "a@example.com")))).EnsureSuccessStatusCode();
        (await client.SendAsync(Signed(CustomerEvent(customerId, "a@example.com")))).EnsureSuccessStatusCode();
        Assert.Equal(1, await RowsFor(customerId));

        // A changed version is a new row.
        (await client.SendAsync(Signed(CustomerEvent(customerId, "b@example.com")))).EnsureSuccessStatusCode();
        Assert.Equal(2, await RowsFor(customerId));
    }

    [Fact]
    public async Task A_bad_signature_is_refused_with_401_and_nothing_is_staged()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        var body = CustomerEvent(customerId);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Signed(body, StripeWebhooks.Sign(body, "whsec_wrong")));

        await WebhookAnswers.AssertRefusedAlikeAsync(response, "stripe");
        Assert.Equal(0, await RowsFor(customerId));
    }

    [Fact]
    public async Task A_stale_timestamp_is_refused_and_nothing_is_staged()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        var body = CustomerEvent(customerId);
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Signed(body,
            StripeWebhooks.Sign(body, StripeConnectorFixture.Secret, DateTimeOffset.UtcNow.AddMinutes(-10))));

        await WebhookAnswers.AssertRefusedAlikeAsync(response, "stripe");
        Assert.Equal(0, await RowsFor(customerId));
    }

    [Fact]
    public async Task An_oversize_body_is_refused_with_413_and_nothing_is_staged()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        var body = StripeWebhooks.Event("customer.created", "customer", c =>
        {
            c["id"] = customerId;
            c["description"] = new string('x', 70_000);
        });
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Signed(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await RowsFor(customerId));
    }

    [Fact]
    public async Task A_workspace_without_credentials_is_answered_exactly_as_a_bad_signature()
    {
        var body = CustomerEvent("cus_x");
        using var client = fixture.Service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/nobody")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers = { { "Stripe-Signature", StripeWebhooks.Sign(body, StripeConnectorFixture.Secret) } },
        };
        using var response = await client.SendAsync(request);
        await WebhookAnswers.AssertRefusedAlikeAsync(response, "stripe");
    }

    [Fact]
    public async Task An_unsigned_delivery_is_refused_alike_and_nothing_is_staged()
    {
        var customerId = $"cus_{Guid.NewGuid():N}";
        using var client = fixture.Service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url)
        {
            Content = new StringContent(CustomerEvent(customerId), Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request);

        await WebhookAnswers.AssertRefusedAlikeAsync(response, "stripe");
        Assert.Equal(0, await RowsFor(customerId));
    }

    [Fact]
    public async Task A_correctly_signed_body_that_is_not_json_is_answered_400_and_nothing_is_stored()
    {
        const string body = "type=customer.created&id=cus_not_json";
        using var client = fixture.Service.CreateClient();

        using var response = await client.SendAsync(Signed(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.CountAsync("select count(*) from webhook_events where body = @body", ("body", body)));
    }

    [Fact]
    public async Task An_event_type_the_platform_does_not_use_is_acknowledged_without_staging()
    {
        var body = File.ReadAllText(Path.Combine(TestEnvironment.VendorSamples, "stripe", "event.json"))
            .Replace("evt_1Pgc76B7WZ01zgkWwyRHS12y", $"evt_{Guid.NewGuid():N}", StringComparison.Ordinal);
        using var client = fixture.Service.CreateClient();
        using var response = await client.SendAsync(Signed(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, answer.GetProperty("staged").GetInt32());
    }

    [Fact]
    public async Task Deferred_rows_wait_until_ReleaseStagedRecords_then_are_published()
    {
        var scope = fixture.Service.Services;
        var staging = (Staging.StagingStore)scope.GetService(typeof(Staging.StagingStore))!;
        var dataSource = (Npgsql.NpgsqlDataSource)scope.GetService(typeof(Npgsql.NpgsqlDataSource))!;
        var workspace = $"ws-{Guid.NewGuid():N}";
        var run = Guid.NewGuid();
        var customerId = $"cus_{Guid.NewGuid():N}";
        var record = new CanonicalRecord
        {
            Source = "stripe", EntityType = EntityType.Contact, ExternalId = customerId, SourceUpdatedAt = DateTimeOffset.UtcNow,
            Identifiers = [new Identifier(IdentifierKinds.StripeCustomerId, customerId)],
        };
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await staging.StageAsync(connection, transaction, new Staging.StagingContext(workspace, run, run, UnifyMode.Deferred),
                [new Staging.StagedRecordInput("customers", $$"""{"id":"{{customerId}}"}""", record)], CancellationToken.None);
            await transaction.CommitAsync();
        }

        await Task.Delay(1500); // several relay polls
        Assert.DoesNotContain(fixture.Staged.Received, m => m.Record.ExternalId == customerId);

        var endpoint = await fixture.Staged.Bus.GetSendEndpoint(ConnectorQueues.For("stripe"));
        await endpoint.Send(new ReleaseStagedRecords { WorkspaceId = workspace, CorrelationId = run, SyncRunId = run });
        var staged = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == customerId);
        Assert.Equal(run, staged.SyncRunId);
    }
}
