using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Testing;
using static Microsoft.Playwright.Assertions;

namespace Platform.Web.Tests;

/// <summary>A campaign built on the canvas, its audience counted before launch, launched and watched to delivery, in the browser.</summary>
[Collection(CommandCenterGroup.Name)]
public sealed class CampaignsBrowserTests(CommandCenterFixture center)
{
    [Fact]
    public async Task An_operator_builds_a_webhook_campaign_for_people_with_an_email_sees_the_audience_size_launches_it_and_watches_every_recipient_delivered()
    {
        const string workspace = "web-campaign";
        using var hook = await WebhookReceiver.StartAsync();
        // Three people with an email, one with only a phone: the audience "has email" is three.
        await center.StageAsync(
            CommandCenterFixture.Record(workspace, "ploomes", "CMP-1", "Lia Campanha", "email:lia.campanha@example.com"),
            CommandCenterFixture.Record(workspace, "ploomes", "CMP-2", "Rui Campanha", "email:rui.campanha@example.com"),
            CommandCenterFixture.Record(workspace, "ploomes", "CMP-3", "Ivo Campanha", "email:ivo.campanha@example.com"),
            CommandCenterFixture.Record(workspace, "ploomes", "CMP-4", "Eva Campanha", "phone:(11) 91234-5678"));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await AudienceAsync(workspace, new { }) < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, "the campaigns service never saw the four people" + Environment.NewLine + center.Logs());
            await Task.Delay(250);
        }

        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);
        await page.GetByTestId("nav-campaigns").ClickAsync();
        await Expect(page.GetByTestId("no-campaigns")).ToBeVisibleAsync();
        await page.GetByTestId("campaign-new").ClickAsync();
        await page.GetByTestId("campaign-name").FillAsync("Volta às compras");

        // The audience step is counted as it is edited.
        await Expect(page.GetByTestId("audience-size")).ToHaveAttributeAsync("data-total", "3");
        await page.GetByTestId("audience-hasEmail").SelectOptionAsync("");
        await Expect(page.GetByTestId("audience-size")).ToHaveAttributeAsync("data-total", "4");
        await page.GetByTestId("audience-hasEmail").SelectOptionAsync("yes");
        await Expect(page.GetByTestId("audience-size")).ToHaveAttributeAsync("data-total", "3");

        // The send step becomes a webhook; a branch added after it and removed again leaves the canvas as it was.
        await page.GetByTestId("node-channel").ClickAsync();
        await page.GetByTestId("channel-kind").SelectOptionAsync("webhook");
        await page.GetByTestId("webhook-url").FillAsync(hook.Address);
        await page.GetByTestId("add-branch").ClickAsync();
        await Expect(page.GetByTestId("node-branch")).ToHaveCountAsync(1);
        await page.GetByTestId("remove-step").ClickAsync();
        await Expect(page.GetByTestId("node-branch")).ToHaveCountAsync(0);

        await page.GetByTestId("campaign-save").ClickAsync();
        await Expect(page.GetByTestId("campaign-status")).ToHaveAttributeAsync("data-status", "draft");
        Assert.Matches("/campaigns/[0-9a-f-]{36}$", page.Url);
        await Expect(page.GetByTestId("campaign-launch")).ToContainTextAsync("(3)");
        await page.GetByTestId("campaign-launch").ClickAsync();
        await Expect(page.GetByTestId("campaign-notice")).ToContainTextAsync("3");

        // Watched without a reload: every recipient reaches delivered, and campaign_metrics says so.
        await Expect(page.Locator("[data-testid=recipient-row][data-status=delivered]")).ToHaveCountAsync(3, new() { Timeout = 120_000 });
        await Expect(page.GetByTestId("recipient-row")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("metric-delivered")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("metric-deliveryRate")).ToHaveTextAsync("100%");
        // A manual campaign completes with its execution; the page follows without a reload.
        await Expect(page.GetByTestId("campaign-status")).ToHaveAttributeAsync("data-status", "completed");
        await Expect(page.GetByTestId("execution-row")).ToHaveAttributeAsync("data-status", "completed");
        await CommandCenterFixture.ScreenshotAsync(page, "12-campaign-editor");
        Assert.Equal(3, hook.Received.Count);
        Assert.Equal(3, hook.Received.Distinct().Count());

        await page.GetByTestId("nav-campaigns").ClickAsync();
        await Expect(page.GetByTestId("campaign-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("campaign-delivery-rate")).ToHaveTextAsync("100%");
        await CommandCenterFixture.ScreenshotAsync(page, "13-campaigns");
        Assert.Empty(errors);
    }

    private async Task<long> AudienceAsync(string workspace, object definition)
    {
        using var response = await center.Api.PostAsJsonAsync($"api/audiences/preview?workspaceId={workspace}", definition);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt64();
    }

    /// <summary>The outgoing webhook's other end: answers 200 and keeps each delivery's Idempotency-Key.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        public ConcurrentBag<string> Received { get; } = [];
        public string Address { get; private set; } = "";

        public static Task<WebhookReceiver> StartAsync()
        {
            var receiver = new WebhookReceiver();
            var port = ServiceProcess.FreePort();
            receiver.Address = $"http://127.0.0.1:{port}/hook/";
            receiver._listener.Prefixes.Add(receiver.Address);
            receiver._listener.Start();
            _ = receiver.LoopAsync();
            return Task.FromResult(receiver);
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Received.Add(context.Request.Headers["Idempotency-Key"] ?? Guid.NewGuid().ToString());
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
