using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

/// <summary>An operator connects a new company through the gateway and it works at once: check, webhooks, backfill.</summary>
public sealed class ConnectedSourcesTests(ConnectedSourcesFixture fixture, ITestOutputHelper output) : IClassFixture<ConnectedSourcesFixture>
{
    private static readonly string[] CustomersOnly = ["customers"];

    private const string Workspace = "blue";
    private const string WebhookSecret = "whsec_blue_connected_through_the_api";

    private HttpClient Api => fixture.Api;

    private static HttpRequestMessage Webhook(string body, string? signature, string workspace = Workspace) =>
        new(HttpMethod.Post, $"/webhooks/stripe/{workspace}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers = { { "Stripe-Signature", signature ?? "" } },
        };

    private Task<long> RowsFor(string customerId) =>
        fixture.CountAsync("select count(*) from raw_records where workspace_id = @w and external_id = @id", ("w", Workspace), ("id", customerId));

    private async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string step)
    {
        if (response.StatusCode != status)
        {
            Assert.Fail($"{step}: expected {(int)status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{fixture.Logs()}");
        }
    }

    [Fact]
    public async Task A_workspace_connected_through_the_gateway_is_checked_receives_signed_webhooks_and_backfills_without_a_restart()
    {
        // Connect: the workspace, then Stripe with the simulator's credentials.
        await ExpectAsync(await Api.PutAsJsonAsync($"/api/workspaces/{Workspace}", new { name = "Blue" }), HttpStatusCode.Created, "PUT workspace");
        await ExpectAsync(await Api.PutAsJsonAsync($"/api/workspaces/{Workspace}/sources/stripe",
            new { apiKey = ConnectedSourcesFixture.SimulatorKey, webhookSecret = WebhookSecret, baseAddress = fixture.Simulator.Address }),
            HttpStatusCode.Created, "PUT stripe");
        var listed = await Api.GetFromJsonAsync<JsonElement>($"/api/workspaces/{Workspace}/sources");
        Assert.DoesNotContain(ConnectedSourcesFixture.SimulatorKey, listed.GetRawText(), StringComparison.Ordinal);

        // Check: the connector calls the simulator with the stored key; a wrong key gets a reason.
        var check = await (await Api.PostAsync($"/api/workspaces/{Workspace}/sources/stripe/check", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(check.GetProperty("ok").GetBoolean(), check.GetRawText());
        await ExpectAsync(await Api.PutAsJsonAsync("/api/workspaces/tokeniza", new { name = "Tokeniza" }), HttpStatusCode.Created, "PUT tokeniza");
        await ExpectAsync(await Api.PutAsJsonAsync("/api/workspaces/tokeniza/sources/stripe", new { apiKey = "sk_test_not_a_key", baseAddress = fixture.Simulator.Address }),
            HttpStatusCode.Created, "PUT tokeniza stripe");
        var wrong = await (await Api.PostAsync("/api/workspaces/tokeniza/sources/stripe/check", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(wrong.GetProperty("ok").GetBoolean());
        output.WriteLine($"wrong key: {wrong.GetProperty("problem").GetString()}");
        Assert.Contains("401", wrong.GetProperty("problem").GetString(), StringComparison.Ordinal);

        // Webhooks through the gateway, with the secret set a moment ago.
        var customer = $"cus_{Guid.NewGuid():N}";
        var body = StripeWebhooks.Event("customer.created", "customer", c => c["id"] = customer);
        using var good = await fixture.Vendor.SendAsync(Webhook(body, StripeWebhooks.Sign(body, WebhookSecret)));
        await ExpectAsync(good, HttpStatusCode.OK, "signed webhook");
        Assert.False((await good.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await RowsFor(customer));

        using var replay = await fixture.Vendor.SendAsync(Webhook(body, StripeWebhooks.Sign(body, WebhookSecret)));
        await ExpectAsync(replay, HttpStatusCode.OK, "replayed webhook");
        Assert.True((await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());

        var bad = $"cus_{Guid.NewGuid():N}";
        var badBody = StripeWebhooks.Event("customer.created", "customer", c => c["id"] = bad);
        using var forged = await fixture.Vendor.SendAsync(Webhook(badBody, StripeWebhooks.Sign(badBody, "whsec_forged")));
        using var stale = await fixture.Vendor.SendAsync(Webhook(badBody, StripeWebhooks.Sign(badBody, WebhookSecret, DateTimeOffset.UtcNow.AddMinutes(-10))));
        using var unsigned = await fixture.Vendor.SendAsync(Webhook(badBody, signature: null));
        using var unknown = await fixture.Vendor.SendAsync(Webhook(badBody, StripeWebhooks.Sign(badBody, WebhookSecret), workspace: "nobody"));
        foreach (var refused in new[] { forged, stale, unsigned, unknown })
        {
            await WebhookAnswers.AssertRefusedAlikeAsync(refused, "stripe");
        }
        using var huge = await fixture.Vendor.SendAsync(Webhook(new string('x', 10 * 1024 * 1024), StripeWebhooks.Sign("x", WebhookSecret)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        const string notJson = "id=evt_1&type=customer.created";
        using var malformed = await fixture.Vendor.SendAsync(Webhook(notJson, StripeWebhooks.Sign(notJson, WebhookSecret)));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(0, await RowsFor(bad));
        Assert.Equal(1, await fixture.CountAsync("select count(*) from webhook_events where workspace_id = @w", ("w", Workspace)));

        // Backfill through the orchestrator.
        using var start = await Api.PostAsJsonAsync("/api/syncs", new { workspaceId = Workspace, source = "stripe", mode = "full", streams = CustomersOnly });
        await ExpectAsync(start, HttpStatusCode.Accepted, "POST /api/syncs");
        var run = await start.Content.ReadFromJsonAsync<JsonElement>();
        var id = run.GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (run.GetProperty("status").GetString() is not ("succeeded" or "failed") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            run = await Api.GetFromJsonAsync<JsonElement>($"/api/syncs/{id}");
        }
        Assert.True(run.GetProperty("status").GetString() == "succeeded", $"run: {run}\n{fixture.Logs()}");
        Assert.Equal(ConnectedSourcesFixture.Customers, await fixture.CountAsync(
            "select count(*) from raw_records where workspace_id = @w and sync_run_id = @run", ("w", Workspace), ("run", id)));
    }
}
