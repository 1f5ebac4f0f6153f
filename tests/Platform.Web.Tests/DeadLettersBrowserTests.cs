using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Contracts.Records;
using static Microsoft.Playwright.Assertions;

namespace Platform.Web.Tests;

/// <summary>
/// A message identity resolution gave up on (as after a database outage longer than its retries) waits in its
/// <c>_error</c> queue; an operator with a key for every workspace sees it in the command center and replays it with
/// one click, and the record it carried is unified.
/// </summary>
[Collection(CommandCenterGroup.Name)]
public sealed class DeadLettersBrowserTests(CommandCenterFixture center)
{
    private const string Workspace = "web-dead";

    [Fact]
    public async Task A_dead_lettered_record_is_counted_on_its_queue_and_one_click_replays_it_into_a_client()
    {
        var queue = await QueueConsumingAsync("identity-resolution", "raw-record-staged");
        var record = CommandCenterFixture.Record(Workspace, "stripe", "cus_dead_1", "Dora Letter", "email:dora.letter@example.com");
        var errorQueue = await center.ClientUpdates.Bus.GetSendEndpoint(new Uri($"queue:{queue}_error"));
        await errorQueue.Send(record);

        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, Workspace);
        await page.GetByTestId("nav-dead-letters").ClickAsync();

        var row = page.Locator($"[data-testid=dead-letter-row][data-queue='{queue}']");
        await Expect(row.GetByTestId("dead-lettered")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("replay-all")).ToBeEnabledAsync();
        await CommandCenterFixture.ScreenshotAsync(page, "14-dead-letters");
        Assert.DoesNotContain(center.ClientUpdates.Received, u => u.WorkspaceId == Workspace);

        await row.GetByTestId("replay").ClickAsync();

        await Expect(page.GetByTestId("replay-outcome")).ToContainTextAsync(queue);
        await Expect(row.GetByTestId("dead-lettered")).ToHaveTextAsync("0");
        await center.ClientUpdates.WaitForAsync(u => u.WorkspaceId == Workspace, TimeSpan.FromSeconds(60));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_key_for_some_workspaces_has_no_dead_letter_page_and_its_session_is_refused_the_api()
    {
        using var created = await center.Api.PostAsJsonAsync("api/admin/keys",
            new { name = "scoped-operator", role = "operator", workspaces = new[] { Workspace } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await page.GetByTestId("api-key").FillAsync(key);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByTestId("workspace").FillAsync(Workspace);
        await page.GetByTestId("open-workspace").ClickAsync();
        await Expect(page.GetByTestId("workspace-name")).ToHaveTextAsync(Workspace);
        await Expect(page.GetByTestId("nav-sources")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-dead-letters")).ToHaveCountAsync(0);

        // The session's cookie, outside the page (a 403 in the page would be logged as a console error).
        var list = await context.APIRequest.GetAsync(new Uri(center.Gateway.Address, "api/dead-letters").ToString());
        var replay = await context.APIRequest.PostAsync(new Uri(center.Gateway.Address, "api/dead-letters/replay").ToString(),
            new APIRequestContextOptions { Headers = new Dictionary<string, string> { ["Origin"] = center.Gateway.Address.GetLeftPart(UriPartial.Authority) } });
        Assert.Equal(403, list.Status);
        Assert.Equal(403, replay.Status);
        Assert.Empty(errors);
    }

    /// <summary>The name of the service's queue whose name contains <paramref name="part"/>, from the gateway's list.</summary>
    private async Task<string> QueueConsumingAsync(string service, string part)
    {
        var overview = await center.Api.GetFromJsonAsync<JsonElement>("api/dead-letters");
        return overview.GetProperty("queues").EnumerateArray()
            .Where(q => q.GetProperty("service").GetString() == service)
            .Select(q => q.GetProperty("queue").GetString()!)
            .Single(q => q.Contains(part, StringComparison.Ordinal));
    }
}
