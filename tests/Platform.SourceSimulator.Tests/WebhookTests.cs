using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;
using Platform.Testing;

namespace Platform.SourceSimulator.Tests;

public sealed class WebhookTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;
    private readonly WebhookReceiver _receiver = fixture.Factory.Receiver;

    [Fact]
    public async Task A_stripe_webhook_is_signed_so_that_the_hmac_of_t_dot_body_under_the_secret_verifies()
    {
        var key = await _api.StripeAccountAsync(size: 20);
        var target = WebhookReceiver.NewTarget("stripe");
        const string secret = "whsec_test_simulator";

        var result = await _api.PostAsync("/_simulator/webhooks", new { source = "stripe", credential = key, target, secret, kind = "customer.created", count = 2 });

        Assert.Equal(2, (int)result["delivered"]!);
        var received = _receiver.ReceivedAt(target);
        Assert.Equal(2, received.Count);
        foreach (var delivery in received)
        {
            var parts = delivery.Headers["Stripe-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{delivery.Body}")));
            Assert.Equal(expected, parts["v1"]);
            Assert.Equal(StripeWebhooks.Sign(delivery.Body, secret, DateTimeOffset.FromUnixTimeSeconds(t)), delivery.Headers["Stripe-Signature"]);
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -5, 300);
            var evt = JsonNode.Parse(delivery.Body)!;
            Assert.Equal("customer.created", (string)evt["type"]!);
            Assert.Equal("event", (string)evt["object"]!);
            // The new customer is in the API too, as a connector re-fetching it would expect.
            using var customer = await _api.StripeGetAsync(key, $"/v1/customers/{evt["data"]!["object"]!["id"]}");
            Assert.Equal(HttpStatusCode.OK, customer.StatusCode);
            using var recorded = await _api.StripeGetAsync(key, $"/v1/events/{evt["id"]}");
            Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        }
        Assert.NotEqual(received[0].Body, received[1].Body);
    }

    [Fact]
    public async Task A_hotmart_postback_carries_the_hottok_header_and_a_v2_purchase_body()
    {
        var credential = await _api.HotmartAccountAsync(size: 50);
        var target = WebhookReceiver.NewTarget("hotmart");

        await _api.PostAsync("/_simulator/webhooks", new { source = "hotmart", credential, target, secret = "hottok-123", kind = "PURCHASE_COMPLETE", count = 1 });

        var delivery = Assert.Single(_receiver.ReceivedAt(target));
        Assert.Equal("hottok-123", delivery.Headers["X-HOTMART-HOTTOK"]);
        Assert.Equal("Jodd HTTP", delivery.Headers["User-Agent"]);
        var body = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("PURCHASE_COMPLETE", (string)body["event"]!);
        Assert.Equal("2.0.0", (string)body["version"]!);
        Assert.Equal("COMPLETED", (string)body["data"]!["purchase"]!["status"]!);
        Assert.Equal(["email", "name", "first_name", "last_name", "checkout_phone_code", "checkout_phone", "address", "document", "document_type"],
            body["data"]!["buyer"]!.AsObject().Select(p => p.Key));
        Assert.True((string?)body["data"]!["purchase"]!["price"]!["currency_value"] is "BRL" or "USD", "postback money uses currency_value");
        var token = await _api.HotmartAccessTokenAsync(credential);
        var (items, _, _) = await _api.HotmartWalkAsync(token, "/payments/api/v1/sales/history", $"&transaction={body["data"]!["purchase"]!["transaction"]}");
        Assert.Equal("COMPLETE", (string)Assert.Single(items)["purchase"]!["status"]!);
    }

    [Fact]
    public async Task A_ploomes_webhook_carries_the_validation_key_and_the_id_of_the_changed_deal()
    {
        var key = await _api.PloomesAccountAsync(size: 50);
        var target = WebhookReceiver.NewTarget("ploomes");

        await _api.PostAsync("/_simulator/webhooks", new { source = "ploomes", credential = key, target, secret = "7654", kind = "Deals.Win", count = 1 });

        var body = JsonNode.Parse(Assert.Single(_receiver.ReceivedAt(target)).Body)!.AsObject();
        Assert.Equal(["ResourceId", "Entity", "Action", "ValidationKey", "UserId"], body.Select(p => p.Key));
        Assert.Equal("7654", (string)body["ValidationKey"]!);
        Assert.Equal("Deals", (string)body["Entity"]!);
        Assert.Equal("Win", (string)body["Action"]!);
        var deal = Assert.Single(await _api.PloomesValueAsync(key, $"/Deals?$filter=Id eq {body["ResourceId"]}"));
        Assert.Equal(2, (int)deal["StatusId"]!);
        Assert.NotNull(deal["FinishDate"]);
    }

    [Fact]
    public async Task What_the_target_answers_is_reported_back()
    {
        var key = await _api.PloomesAccountAsync(size: 10);
        var target = WebhookReceiver.NewTarget("ploomes");
        _receiver.AnswerWith(target, HttpStatusCode.Unauthorized);

        var result = await _api.PostAsync("/_simulator/webhooks", new { source = "ploomes", credential = key, target, secret = "wrong", kind = "Contacts.Update", count = 1 });

        Assert.Equal(0, (int)result["delivered"]!);
        var delivery = result["deliveries"]![0]!;
        Assert.Equal(401, (int)delivery["status"]!);
        Assert.Contains("refused by the test", (string)delivery["responseBody"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_kind_the_source_does_not_send_is_refused_before_anything_changes()
    {
        var key = await _api.StripeAccountAsync(size: 10);

        var problem = await _api.PostAsync("/_simulator/webhooks",
            new { source = "stripe", credential = key, target = "http://connector.test/x", secret = "whsec_x", kind = "PURCHASE_APPROVED" }, HttpStatusCode.BadRequest);

        Assert.Contains("customer.created", problem.ToJsonString(), StringComparison.Ordinal);
    }
}
