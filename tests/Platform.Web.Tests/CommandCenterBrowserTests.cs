using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Platform.Web.Tests;

/// <summary>An operator works in the Sync Command Center in a real browser against the real services.</summary>
[Collection(CommandCenterGroup.Name)]
public sealed class CommandCenterBrowserTests(CommandCenterFixture center, ITestOutputHelper output)
{
    private static readonly string[] Sources = ["stripe", "hotmart", "ploomes", "gohighlevel", "paypal", "manychat", "sgt", "csv"];

    [Fact]
    public async Task An_operator_signs_in_with_the_key_gets_an_HttpOnly_session_and_sees_a_tile_for_every_source()
    {
        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;

        await page.GetByTestId("api-key").FillAsync("not-the-key");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("error")).ToContainTextAsync("API key");
        await CommandCenterFixture.ScreenshotAsync(page, "01-sign-in");

        await CommandCenterFixture.SignInAsync(page, "web-other");

        foreach (var source in Sources)
        {
            await Expect(page.GetByTestId($"tile-{source}")).ToBeVisibleAsync();
        }
        await Expect(page.GetByTestId("state-ploomes")).ToHaveAttributeAsync("data-state", "never_synced");
        await Expect(page.GetByTestId("state-stripe")).ToHaveAttributeAsync("data-state", "unreachable");
        await Expect(page.GetByTestId("state-manychat")).ToHaveAttributeAsync("data-state", "unreachable");
        await Expect(page.GetByTestId("state-csv")).ToHaveAttributeAsync("data-state", "never_synced");
        await Expect(page.GetByTestId("live-mode")).ToHaveTextAsync("ao vivo");

        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.Equal("cc_session", cookie.Name);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds((long)cookie.Expires), DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.DoesNotContain(CommandCenterFixture.ApiKey, cookie.Value, StringComparison.Ordinal);
        var stored = await page.EvaluateAsync<string>("() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie");
        Assert.DoesNotContain(CommandCenterFixture.ApiKey, stored, StringComparison.Ordinal);

        // English on request; the choice is the operator's, not the workspace's.
        await page.GetByTestId("language").SelectOptionAsync("en");
        await Expect(page.GetByTestId("sync-all")).ToHaveTextAsync("Sync all");
        await page.GetByTestId("language").SelectOptionAsync("pt-BR");
        await Expect(page.GetByTestId("sync-all")).ToHaveTextAsync("Sincronizar tudo");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Syncing_Ploomes_shows_live_progress_per_stream_until_it_succeeds_without_a_reload()
    {
        const string workspace = "web-sync";
        // The first pages of each stream are slow, so the run is seen running with some pages done.
        await FaultAsync(workspace, new { kind = "slow", count = 4, delayMs = 1_500 });
        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");

        await page.GetByTestId("sync-mode").SelectOptionAsync("full");
        await page.GetByTestId("sync-ploomes").ClickAsync();

        await Expect(page.GetByTestId("run-ploomes")).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.GetByTestId("pages-ploomes-contacts")).Not.ToHaveTextAsync("0");
        await Expect(page.GetByTestId("state-ploomes")).ToHaveAttributeAsync("data-state", "syncing");
        await CommandCenterFixture.ScreenshotAsync(page, "02-sources-syncing");
        await Expect(page.GetByTestId("run-ploomes")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 120_000 });
        await Expect(page.GetByTestId("state-ploomes")).ToHaveAttributeAsync("data-state", "ok");
        await Expect(page.GetByTestId("pages-ploomes-contacts")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("staged-ploomes")).ToHaveTextAsync("1.300");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page was reloaded");
        Assert.Equal("ao vivo", await page.GetByTestId("live-mode").TextContentAsync());
        await CommandCenterFixture.ScreenshotAsync(page, "03-sources-succeeded");
        Assert.Empty(errors);
    }

    private async Task FaultAsync(string workspace, object fault)
    {
        var json = JsonSerializer.SerializeToElement(fault);
        var body = new Dictionary<string, object?> { ["source"] = "ploomes", ["credential"] = CommandCenterFixture.KeyOf(workspace) };
        foreach (var property in json.EnumerateObject())
        {
            body[property.Name] = property.Value;
        }
        using var response = await center.SimulatorAdmin.PostAsJsonAsync("_simulator/faults", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        output.WriteLine($"fault for {workspace}: {json}");
    }
}
