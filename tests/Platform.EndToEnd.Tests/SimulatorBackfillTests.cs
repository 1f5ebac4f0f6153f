using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

public class SimulatorBackfillTests(SimulatorFixture simulator, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);

    /// <summary>Every customer id the simulator holds for a key, read straight from its API (not through the connector).</summary>
    private async Task<HashSet<string>> SimulatorCustomerIdsAsync(string apiKey)
    {
        var ids = new HashSet<string>();
        string? after = null;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/customers?limit=100{(after is null ? "" : "&starting_after=" + after)}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await simulator.Admin.SendAsync(request);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            var data = page.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("id").GetString()!).ToList();
            ids.UnionWith(data);
            if (!page.GetProperty("has_more").GetBoolean() || data.Count == 0)
            {
                return ids;
            }
            after = data[^1];
        }
    }

    [Fact]
    public async Task A_stripe_backfill_killed_mid_run_and_restarted_ends_with_exactly_the_sources_customers_staged_once()
    {
        const string key = "sk_test_kill";
        await simulator.AccountAsync("stripe", key, 3_000, ratePermits: 0);
        // Slow pages, so the kill lands mid-run (the runner reads pages ahead and commits up to 1,000 records at a time).
        using (var slow = await simulator.Admin.PostAsJsonAsync("_simulator/faults",
            new { source = "stripe", credential = key, kind = "slow", count = 20, delayMs = 400 }))
        {
            slow.EnsureSuccessStatusCode();
        }
        var settings = new[] { ("Connectors__Stripe__Workspaces__kill__ApiKey", key), ("Connectors__Stripe__Http__RatePermits", "0") };
        var run = NewId.NextGuid();

        var connector = await simulator.ConnectorAsync("stripe", "Platform.Connectors.Stripe", settings);
        await simulator.StartSyncAsync("stripe", run, "kill", "customers");
        await simulator.Progress.WaitForAsync(m => m.SyncRunId == run && m.Pages >= 4, Wait);
        await connector.DisposeAsync(); // SIGKILL: no graceful shutdown, the page in flight is lost
        var before = await simulator.CountAsync("connector-stripe", "select count(*) from raw_records where workspace_id = 'kill'");

        await using var restarted = await simulator.ConnectorAsync("stripe", "Platform.Connectors.Stripe", settings);
        var completed = await simulator.CompletedAsync(run, Wait);

        var expected = await SimulatorCustomerIdsAsync(key);
        Assert.Equal(3_000, expected.Count);
        Assert.InRange(before, 400, 2_999);
        Assert.Equal(expected.Count, await simulator.CountAsync("connector-stripe", "select count(*) from raw_records where workspace_id = 'kill'"));
        Assert.Equal(expected.Count, await simulator.CountAsync("connector-stripe", "select count(distinct external_id) from raw_records where workspace_id = 'kill'"));
        Assert.Equal(3_000, Assert.Single(completed.Streams).RecordsStaged);
        output.WriteLine($"staged {before} before the kill, {3_000 - before} after the restart");
    }

    [Fact]
    public async Task A_stripe_backfill_never_goes_over_the_sources_rate_limit()
    {
        const string key = "sk_test_rate";
        await simulator.AccountAsync("stripe", key, 1_000, ratePermits: 20);
        await using var connector = await simulator.ConnectorAsync("stripe", "Platform.Connectors.Stripe",
            ("Connectors__Stripe__Workspaces__rate__ApiKey", key), ("Connectors__Stripe__Http__RatePermits", "20"));
        var run = NewId.NextGuid();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await simulator.StartSyncAsync("stripe", run, "rate");
        var completed = await simulator.CompletedAsync(run, Wait);
        clock.Stop();

        var stats = await simulator.StatsAsync("stripe", key);
        var requests = stats.GetProperty("requests").GetInt64();
        output.WriteLine($"{requests} requests in {clock.Elapsed.TotalSeconds:F1} s = {requests / clock.Elapsed.TotalSeconds:F1}/s against a limit of 20/s; " +
            $"peak in any second {stats.GetProperty("maxRequestsInAnyWindow")}; staged {completed.Streams.Sum(s => s.RecordsStaged)}");
        Assert.Equal(0, stats.GetProperty("throttled").GetInt64());
        Assert.InRange(stats.GetProperty("maxRequestsInAnyWindow").GetInt64(), 1, 20);
        Assert.True(requests >= 50, $"only {requests} requests: the backfill did not page through the account");
    }

    [Fact]
    public async Task A_hotmart_backfill_stages_every_sale_of_every_status_from_the_simulator()
    {
        const string client = "hotmart-e2e-client", secret = "hotmart-e2e-secret";
        await simulator.AccountAsync("hotmart", $"{client}:{secret}", 300, ratePermits: 0);
        await using var connector = await simulator.ConnectorAsync("hotmart", "Platform.Connectors.Hotmart",
            ("Connectors__Hotmart__Workspaces__hm__ClientId", client),
            ("Connectors__Hotmart__Workspaces__hm__ClientSecret", secret),
            ("Connectors__Hotmart__Workspaces__hm__Hottok", "unused"),
            ("Connectors__Hotmart__AuthAddress", simulator.Simulator.Address.ToString()),
            ("Connectors__Hotmart__EarliestDate", DateTimeOffset.UtcNow.AddDays(-800).ToString("O")),
            ("Connectors__Hotmart__WindowDays", "120"),
            ("Connectors__Hotmart__Http__RatePermits", "0"));
        var run = NewId.NextGuid();

        await simulator.StartSyncAsync("hotmart", run, "hm");
        var completed = await simulator.CompletedAsync(run, Wait);

        var sales = await simulator.CountAsync("connector-hotmart",
            "select count(distinct external_id) from raw_records where workspace_id = 'hm' and entity_type = 'Purchase'");
        var statuses = await simulator.CountAsync("connector-hotmart",
            "select count(distinct canonical->'money'->>'status') from raw_records where workspace_id = 'hm'");
        output.WriteLine($"{sales} sales in {statuses} statuses, {completed.Streams.Sum(s => s.Pages)} pages");
        Assert.Equal(300, sales);
        Assert.True(statuses > 2, "only APPROVED/COMPLETE came back: the statuses were not asked for one by one");
    }

    [Fact]
    public async Task A_ploomes_backfill_stages_every_contact_and_deal_from_the_simulator()
    {
        const string key = "ploomes-e2e-key";
        await simulator.AccountAsync("ploomes", key, 700, ratePermits: 0);
        await using var connector = await simulator.ConnectorAsync("ploomes", "Platform.Connectors.Ploomes",
            ("Connectors__Ploomes__Workspaces__pl__UserKey", key),
            ("Connectors__Ploomes__Workspaces__pl__ValidationKey", "unused"),
            ("Connectors__Ploomes__Http__RatePermits", "0"));
        var run = NewId.NextGuid();

        await simulator.StartSyncAsync("ploomes", run, "pl");
        var completed = await simulator.CompletedAsync(run, Wait);

        Assert.Equal(700, await simulator.CountAsync("connector-ploomes",
            "select count(distinct external_id) from raw_records where workspace_id = 'pl' and stream = 'deals'"));
        Assert.Equal(700, await simulator.CountAsync("connector-ploomes",
            "select count(distinct external_id) from raw_records where workspace_id = 'pl' and stream = 'contacts'"));
        Assert.Equal(2, completed.Streams.Count);
    }
}
