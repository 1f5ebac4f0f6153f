using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Platform.Connectors.Webhooks;

namespace Platform.Connectors.Hotmart.Tests;

public class HotmartWebhookVerifyTests
{
    private const string Hottok = "hottok-of-acme";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static HotmartWebhookReceiver Receiver(int maxEventAgeDays = 30) =>
        new(Options.Create(new HotmartOptions { MaxEventAgeDays = maxEventAgeDays }));

    private static WebhookRequest Request(string body, string? headerHottok, string? configured = Hottok)
    {
        var headers = new HeaderDictionary();
        if (headerHottok is not null)
        {
            headers[HotmartWebhookReceiver.HottokHeader] = headerHottok;
        }
        var settings = new Dictionary<string, string?> { ["w:ClientId"] = "client" };
        if (configured is not null)
        {
            settings["w:Hottok"] = configured;
        }
        var credentials = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("w");
        return new WebhookRequest("w", headers, Encoding.UTF8.GetBytes(body), credentials, Now);
    }

    private static string Approved(DateTimeOffset? createdAt = null) =>
        HotmartSamples.Fresh("raw-purchase_approved-v2", "evt-1", createdAt: createdAt ?? Now.AddMinutes(-1));

    [Fact]
    public void A_postback_with_the_workspaces_hottok_in_the_header_is_accepted_with_its_id_and_event()
    {
        var verdict = Receiver().Verify(Request(Approved(), Hottok));

        Assert.True(verdict.Accepted, verdict.RefusalReason);
        Assert.Equal("evt-1", verdict.EventId);
        Assert.Equal("PURCHASE_APPROVED", verdict.EventType);
    }

    [Fact]
    public void A_postback_with_the_hottok_only_in_its_body_is_accepted()
    {
        var body = HotmartSamples.Fresh("raw-update_subscription_charge_date-v2", "evt-2", createdAt: Now, change: b => b["hottok"] = Hottok);
        Assert.True(Receiver().Verify(Request(body, headerHottok: null)).Accepted);
    }

    [Fact]
    public void A_postback_without_any_hottok_is_refused_and_the_reason_names_the_header()
    {
        var verdict = Receiver().Verify(Request(Approved(), headerHottok: null));

        Assert.False(verdict.Accepted);
        Assert.Contains("X-HOTMART-HOTTOK header is missing", verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postback_with_a_wrong_hottok_is_refused()
    {
        var verdict = Receiver().Verify(Request(Approved(), "hottok-of-someone-else"));

        Assert.False(verdict.Accepted);
        Assert.Contains("does not match", verdict.RefusalReason, StringComparison.Ordinal);
        Assert.DoesNotContain(Hottok, verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_header_is_refused_even_when_the_body_carries_the_right_hottok()
    {
        var body = HotmartSamples.Fresh("raw-update_subscription_charge_date-v2", "evt-3", createdAt: Now, change: b => b["hottok"] = Hottok);
        Assert.False(Receiver().Verify(Request(body, "wrong")).Accepted);
    }

    [Fact]
    public void A_workspace_without_a_configured_hottok_refuses_every_postback()
    {
        var verdict = Receiver().Verify(Request(Approved(), Hottok, configured: null));

        Assert.False(verdict.Accepted);
        Assert.Contains("Connectors:Hotmart:Workspaces:w:Hottok", verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postback_created_more_than_thirty_days_ago_is_refused_as_a_possible_replay()
    {
        var verdict = Receiver().Verify(Request(Approved(Now.AddDays(-31)), Hottok));

        Assert.False(verdict.Accepted);
        Assert.Contains("more than 30 days ago", verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_age_limit_follows_MaxEventAgeDays()
    {
        var receiver = Receiver(maxEventAgeDays: 3);

        Assert.True(receiver.Verify(Request(Approved(Now.AddDays(-2)), Hottok)).Accepted);
        Assert.False(receiver.Verify(Request(Approved(Now.AddDays(-4)), Hottok)).Accepted);
    }

    [Fact]
    public void A_postback_dated_in_the_future_is_refused()
    {
        var verdict = Receiver().Verify(Request(Approved(Now.AddHours(2)), Hottok));

        Assert.False(verdict.Accepted);
        Assert.Contains("future", verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_with_the_right_hottok_that_is_not_json_is_malformed_not_refused()
    {
        var verdict = Receiver().Verify(Request("hottok=abc&prod=1", Hottok));

        Assert.Equal(WebhookVerdictKind.Malformed, verdict.Kind);
        Assert.Contains("not a JSON object", verdict.RefusalReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accepted_postback_is_staged_whole_as_the_payload_of_its_record()
    {
        var body = Approved();

        var records = await Receiver().MapAsync(Request(body, Hottok), CancellationToken.None);

        var staged = Assert.Single(records);
        Assert.Equal("sales", staged.Stream);
        Assert.Equal(body, staged.Payload);
        Assert.Equal("HP16015479281022", staged.Record.ExternalId);
    }
}
