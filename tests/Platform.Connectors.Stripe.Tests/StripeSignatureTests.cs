using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Webhooks;
using Platform.Testing;

namespace Platform.Connectors.Stripe.Tests;

public class StripeSignatureTests
{
    private const string Secret = "whsec_test_secret";
    private readonly StripeWebhookReceiver _receiver = new();

    private static WebhookRequest Request(string body, string? signature, DateTimeOffset? now = null)
    {
        var headers = new HeaderDictionary();
        if (signature is not null)
        {
            headers["Stripe-Signature"] = signature;
        }
        var credentials = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["w:WebhookSecret"] = Secret })
            .Build().GetSection("w");
        return new WebhookRequest("w", headers, System.Text.Encoding.UTF8.GetBytes(body), credentials, now ?? DateTimeOffset.UtcNow);
    }

    [Fact]
    public void A_correctly_signed_event_is_accepted_with_its_event_id()
    {
        var body = StripeWebhooks.Event("customer.created", "customer", eventId: "evt_1");
        var verdict = _receiver.Verify(Request(body, StripeWebhooks.Sign(body, Secret)));
        Assert.True(verdict.Accepted, verdict.RefusalReason);
        Assert.Equal("evt_1", verdict.EventId);
        Assert.Equal("customer.created", verdict.EventType);
    }

    [Fact]
    public void One_matching_v1_among_several_is_enough_during_secret_rotation()
    {
        var body = StripeWebhooks.Event("customer.created", "customer");
        var signed = StripeWebhooks.Sign(body, Secret);
        var t = signed.Split(',')[0];
        var header = $"{t},v1={new string('0', 64)},{signed.Split(',')[1]},v0=ignored";
        Assert.True(_receiver.Verify(Request(body, header)).Accepted);
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused()
    {
        var body = StripeWebhooks.Event("customer.created", "customer");
        var verdict = _receiver.Verify(Request(body, StripeWebhooks.Sign(body, "whsec_other")));
        Assert.False(verdict.Accepted);
        Assert.Contains("No v1 signature", verdict.RefusalReason);
    }

    [Fact]
    public void A_body_changed_after_signing_is_refused()
    {
        var body = StripeWebhooks.Event("customer.created", "customer");
        var signature = StripeWebhooks.Sign(body, Secret);
        Assert.False(_receiver.Verify(Request(body.Replace("cus_", "cux_", StringComparison.Ordinal), signature)).Accepted);
    }

    [Fact]
    public void A_timestamp_older_than_five_minutes_is_refused_as_stale()
    {
        var body = StripeWebhooks.Event("customer.created", "customer");
        var verdict = _receiver.Verify(Request(body, StripeWebhooks.Sign(body, Secret, DateTimeOffset.UtcNow.AddSeconds(-301))));
        Assert.False(verdict.Accepted);
        Assert.Contains("tolerance", verdict.RefusalReason);
    }

    [Fact]
    public void A_missing_header_is_refused_and_says_so()
    {
        var verdict = _receiver.Verify(Request("{}", null));
        Assert.False(verdict.Accepted);
        Assert.Contains("Stripe-Signature header is missing", verdict.RefusalReason);
    }
}
