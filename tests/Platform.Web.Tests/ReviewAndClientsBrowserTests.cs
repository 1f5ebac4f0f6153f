using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Platform.Web.Tests;

/// <summary>Unify deferred records, review conflicts, find a client and work on it, in the browser.</summary>
[Collection(CommandCenterGroup.Name)]
public sealed class ReviewAndClientsBrowserTests(CommandCenterFixture center, ITestOutputHelper output)
{
    /// <summary>A full Ploomes sync, identity resolution and aggregation on a loaded two-core machine: minutes, not seconds.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Records_synced_to_unify_later_wait_on_the_tile_and_Unify_all_brings_the_pending_count_to_zero()
    {
        const string workspace = "web-deferred";
        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);

        await page.GetByTestId("sync-mode").SelectOptionAsync("full");
        await page.GetByTestId("sync-unify").SelectOptionAsync("deferred");
        await page.GetByTestId("sync-ploomes").ClickAsync();
        await Expect(page.GetByTestId("run-ploomes")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 120_000 });
        await Expect(page.GetByTestId("waiting-ploomes")).ToHaveTextAsync("80");

        await page.GetByTestId("nav-unify").ClickAsync();
        await Expect(page.GetByTestId("pending-total")).ToHaveTextAsync("80");
        await Expect(page.GetByTestId("pending-ploomes")).ToHaveTextAsync("80");
        await CommandCenterFixture.ScreenshotAsync(page, "04-unify-pending");
        await page.GetByTestId("unify-all").ClickAsync();

        await Expect(page.GetByTestId("unify-progress")).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 120_000 });
        await Expect(page.GetByTestId("pending-total")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("unify-results")).ToBeVisibleAsync();
        await CommandCenterFixture.ScreenshotAsync(page, "05-unify-done");
        var clients = await Eventually(async () => (await GetAsync($"/api/clients?workspaceId={workspace}")).GetProperty("total").GetInt32(), n => n > 0, "clients exist");
        output.WriteLine($"{clients} clients after unify");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_operator_resolves_one_conflict_by_merging_and_another_by_keeping_the_clients_apart()
    {
        const string workspace = CommandCenterFixture.ReviewWorkspace;
        // Two pairs of people sharing a phone with their own emails: two open conflicts.
        await center.StageAsync(
            CommandCenterFixture.Record(workspace, "hotmart", "HP-ana", "Ana Souza", "email:ana@example.com", "phone:(11) 98765-4321"),
            CommandCenterFixture.Record(workspace, "ploomes", "PL-bia", "Bia Souza", "email:bia@example.com", "phone:+55 11 9 8765-4321"));
        await Eventually(() => ConflictsAsync(workspace, "open"), c => c.Count == 1, "the first conflict is open");
        await center.StageAsync(
            CommandCenterFixture.Record(workspace, "hotmart", "HP-caio", "Caio Lima", "email:caio@example.com", "phone:(21) 99876-5432"),
            CommandCenterFixture.Record(workspace, "ploomes", "PL-duda", "Duda Lima", "email:duda@example.com", "phone:21998765432"));
        var open = await Eventually(() => ConflictsAsync(workspace, "open"), c => c.Count == 2, "two conflicts are open");

        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);
        await page.GetByTestId("nav-review").ClickAsync();
        var cards = page.GetByTestId("conflict");
        await Expect(cards).ToHaveCountAsync(2);
        await Expect(cards.First).ToContainTextAsync("Ana Souza");
        await Expect(cards.First).ToContainTextAsync("Bia Souza");
        await Expect(cards.First).ToContainTextAsync("email limit 1");
        await CommandCenterFixture.ScreenshotAsync(page, "06-review-conflicts");

        await page.Locator($"[data-conflict-id='{open[0]}']").GetByTestId("resolve-merge").ClickAsync();
        await Expect(cards).ToHaveCountAsync(1);
        await page.Locator($"[data-conflict-id='{open[1]}']").GetByTestId("resolve-keep-apart").ClickAsync();
        await Expect(page.GetByTestId("no-conflicts")).ToBeVisibleAsync();

        Assert.Equal("merged", (await GetAsync($"/api/conflicts/{open[0]}")).GetProperty("status").GetString());
        Assert.Equal("kept_apart", (await GetAsync($"/api/conflicts/{open[1]}")).GetProperty("status").GetString());
        await page.GetByTestId("tab-skipped").ClickAsync();
        await page.GetByTestId("tab-blocked").ClickAsync();
        await Expect(page.GetByTestId("no-blocked")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_operator_finds_a_client_by_a_phone_spelled_differently_reads_its_sales_and_splits_it()
    {
        const string workspace = "web-people";
        using (var sync = await center.Api.PostAsJsonAsync("api/syncs", new { workspaceId = workspace, source = "ploomes", mode = "full" }))
        {
            Assert.True(sync.IsSuccessStatusCode, await sync.Content.ReadAsStringAsync());
        }
        // The best BRL customer with a phone and more than one record, once aggregation has its sales.
        var (clientId, phone, name) = await Eventually(async () =>
        {
            var top = await GetAsync($"/api/reports/top-customers?workspaceId={workspace}&currency=BRL&limit=20");
            foreach (var entry in top.GetProperty("items").EnumerateArray())
            {
                var id = entry.GetProperty("clientId").GetGuid();
                var client = await GetAsync($"/api/clients/{id}");
                if (client.GetProperty("primaryPhone").GetString() is { Length: 14 } e164 && client.GetProperty("recordCount").GetInt32() >= 2)
                {
                    return (id, e164, client.GetProperty("displayName").GetString());
                }
            }
            return (Guid.Empty, "", null);
        }, c => c.Item1 != Guid.Empty, "a customer with a phone, records and sales");
        // Stored as +5511987654321; typed as (11) 98765-4321.
        var spelled = $"({phone[3..5]}) {phone[5..10]}-{phone[10..]}";
        output.WriteLine($"client {clientId} ({name}) phone {phone}, searched as {spelled}");

        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);
        await page.GetByTestId("nav-clients").ClickAsync();
        await page.GetByTestId("client-search").FillAsync(spelled);
        await page.GetByTestId("client-search").PressAsync("Enter");
        await Expect(page.GetByTestId("client-row")).ToHaveCountAsync(1);
        await CommandCenterFixture.ScreenshotAsync(page, "07-clients-search");
        await page.GetByTestId("client-link").ClickAsync();

        await Expect(page.GetByTestId("client-page")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("revenue-BRL")).ToContainTextAsync("R$");
        Assert.True(await page.GetByTestId("sale-row").CountAsync() >= 1);
        await CommandCenterFixture.ScreenshotAsync(page, "08-client-page");
        var records = page.GetByTestId("client-record");
        var before = await records.CountAsync();
        Assert.True(before >= 2);

        await records.First.Locator("input[type=checkbox]").CheckAsync();
        await page.GetByTestId("split").ClickAsync();
        await Expect(page.GetByTestId("action-result")).ToBeVisibleAsync();
        await Expect(records).ToHaveCountAsync(before - 1);
        var after = await GetAsync($"/api/clients/{clientId}");
        Assert.Equal(before - 1, after.GetProperty("recordCount").GetInt32());

        // At phone width the same page still works: the navigation wraps above the content.
        await page.SetViewportSizeAsync(390, 844);
        await Expect(page.GetByTestId("client-name")).ToBeVisibleAsync();
        await CommandCenterFixture.ScreenshotAsync(page, "09-client-phone-width");
        Assert.Empty(errors);
    }

    private async Task<List<Guid>> ConflictsAsync(string workspace, string status) =>
        (await GetAsync($"/api/conflicts?workspaceId={workspace}&status={status}")).GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("id").GetGuid()).ToList();

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await center.Api.GetAsync(path.TrimStart('/'));
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}; last: {value}{Environment.NewLine}{center.Logs()}");
            }
            await Task.Delay(250);
        }
    }
}
