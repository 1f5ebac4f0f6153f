using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

/// <summary>connector-gohighlevel and connector-paypal as real processes against the source simulator's GoHighLevel and PayPal.</summary>
public class GoHighLevelPayPalSimulatorTests(SimulatorFixture simulator, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);

    private static (string, string)[] Ghl(string workspace, string location, string token, params (string, string)[] more) =>
    [
        ($"Connectors__GoHighLevel__Workspaces__{workspace}__LocationId", location),
        ($"Connectors__GoHighLevel__Workspaces__{workspace}__Token", token),
        .. more,
    ];

    [Fact]
    public async Task A_gohighlevel_full_sync_walks_past_the_10000_record_page_window_and_stages_every_contact_once()
    {
        const string location = "LocWindow00000000001", token = "pit-window";
        await simulator.AccountAsync("gohighlevel", $"{location}:{token}", 10_600, ratePermits: 0);
        await using var connector = await simulator.ConnectorAsync("gohighlevel", "Platform.Connectors.GoHighLevel", Ghl("window", location, token));
        var run = NewId.NextGuid();

        await simulator.StartSyncAsync("gohighlevel", run, "window", "contacts");
        var completed = await simulator.CompletedAsync(run, Wait);

        Assert.Equal(10_600, await simulator.CountAsync("connector-gohighlevel",
            "select count(distinct external_id) from raw_records where workspace_id = 'window' and stream = 'contacts'"));
        Assert.Equal(10_600, await simulator.CountAsync("connector-gohighlevel",
            "select count(*) from raw_records where workspace_id = 'window' and stream = 'contacts'"));
        var stream = Assert.Single(completed.Streams);
        Assert.Equal(10_600, stream.RecordsStaged);
        // Custom fields arrive named by the location's definitions, and the CPF field becomes an identifier.
        Assert.True(await simulator.CountAsync("connector-gohighlevel",
            "select count(*) from raw_records where workspace_id = 'window' and canonical->'attributes' ? 'cf.contact.cpf'") > 5_000);
        Assert.True(await simulator.CountAsync("connector-gohighlevel",
            """select count(*) from raw_records where workspace_id = 'window' and canonical->'identifiers' @> '[{"kind":"cpf"}]'""") > 5_000);
    }

    [Fact]
    public async Task A_gohighlevel_sync_killed_mid_run_resumes_from_its_checkpoint_and_stages_every_contact_and_opportunity_once()
    {
        const string location = "LocKill0000000000001", token = "pit-kill";
        // 12 pages of contacts, the first 20 requests answered half a second late: the runner reads pages ahead and
        // commits up to 1,000 records a transaction, so a smaller location could be staged whole before the kill lands.
        await simulator.AccountAsync("gohighlevel", $"{location}:{token}", 6_000, ratePermits: 0);
        using (var slow = await simulator.Admin.PostAsJsonAsync("_simulator/faults",
            new { source = "gohighlevel", credential = token, kind = "slow", count = 20, delayMs = 500 }))
        {
            slow.EnsureSuccessStatusCode();
        }
        var settings = Ghl("ghlkill", location, token);
        var run = NewId.NextGuid();

        var connector = await simulator.ConnectorAsync("gohighlevel", "Platform.Connectors.GoHighLevel", settings);
        await simulator.StartSyncAsync("gohighlevel", run, "ghlkill");
        await simulator.Progress.WaitForAsync(m => m.SyncRunId == run && m.Stream == "contacts" && m.Pages >= 2, Wait);
        await connector.DisposeAsync(); // SIGKILL
        var before = await simulator.CountAsync("connector-gohighlevel", "select count(*) from raw_records where workspace_id = 'ghlkill' and stream = 'contacts'");

        await using var restarted = await simulator.ConnectorAsync("gohighlevel", "Platform.Connectors.GoHighLevel", settings);
        var completed = await simulator.CompletedAsync(run, Wait);

        Assert.InRange(before, 1_000, 5_999);
        Assert.Equal(6_000, await simulator.CountAsync("connector-gohighlevel",
            "select count(*) from raw_records where workspace_id = 'ghlkill' and stream = 'contacts'"));
        Assert.Equal(1_200, await simulator.CountAsync("connector-gohighlevel",
            "select count(distinct external_id) from raw_records where workspace_id = 'ghlkill' and stream = 'opportunities'"));
        Assert.Equal(2, completed.Streams.Count);
        output.WriteLine($"{before} contacts staged before the kill");
    }

    [Fact]
    public async Task A_gohighlevel_sync_paces_itself_to_the_locations_window_and_never_gets_a_429()
    {
        const string location = "LocRate0000000000001", token = "pit-rate";
        // 20 requests per 2 s: HighLevel's 100 per 10 s shrunk so the window is met within a short test.
        using (var account = await simulator.Admin.PostAsJsonAsync("_simulator/accounts",
            new { source = "gohighlevel", credential = $"{location}:{token}", seed = 7, size = 12_000, ratePermits = 20, ratePeriodSeconds = 2.0 }))
        {
            Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
        }
        await using var connector = await simulator.ConnectorAsync("gohighlevel", "Platform.Connectors.GoHighLevel", Ghl("ghlrate", location, token));
        var run = NewId.NextGuid();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await simulator.StartSyncAsync("gohighlevel", run, "ghlrate");
        var completed = await simulator.CompletedAsync(run, Wait);
        clock.Stop();

        var stats = await simulator.StatsAsync("gohighlevel", token);
        var requests = stats.GetProperty("requests").GetInt64();
        output.WriteLine($"{requests} requests in {clock.Elapsed.TotalSeconds:F1} s = {requests / clock.Elapsed.TotalSeconds:F1}/s against 10/s; " +
            $"peak in any 2 s {stats.GetProperty("maxRequestsInAnyWindow")}; staged {completed.Streams.Sum(s => s.RecordsStaged)}");
        Assert.Equal(0, stats.GetProperty("throttled").GetInt64());
        Assert.InRange(stats.GetProperty("maxRequestsInAnyWindow").GetInt64(), 1, 20);
        Assert.True(requests >= 40, $"only {requests} requests: the sync did not page through the location");
    }

    [Fact]
    public async Task Gohighlevel_deliveries_signed_by_the_simulator_are_staged_and_a_deleted_contact_becomes_a_tombstone()
    {
        const string location = "LocHooks000000000001", token = "pit-hooks";
        await simulator.AccountAsync("gohighlevel", $"{location}:{token}", 50, ratePermits: 0);
        var publicKey = await simulator.Admin.GetStringAsync("_simulator/gohighlevel/public-key");
        await using var connector = await simulator.ConnectorAsync("gohighlevel", "Platform.Connectors.GoHighLevel",
            Ghl("ghlhooks", location, token, ("Connectors__GoHighLevel__WebhookPublicKeys", publicKey)));
        // HighLevel posts every location's deliveries to the app's one URL: the workspace is found from locationId.
        var target = new Uri(connector.Address, "webhooks/gohighlevel");

        foreach (var kind in new[] { "ContactCreate", "ContactDelete", "OpportunityStatusUpdate" })
        {
            using var response = await simulator.Admin.PostAsJsonAsync("_simulator/webhooks",
                new { source = "gohighlevel", credential = token, target = target.ToString(), kind, count = 1 });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("delivered").GetInt32() == 1, $"{kind}: {body}");
            var answer = body.GetProperty("deliveries")[0].GetProperty("responseBody").GetString()!;
            Assert.Contains("\"staged\":1", answer, StringComparison.Ordinal);
        }

        Assert.Equal(1, await simulator.CountAsync("connector-gohighlevel",
            "select count(*) from raw_records where workspace_id = 'ghlhooks' and canonical->'attributes'->>'deleted' = 'true'"));
        Assert.Equal(1, await simulator.CountAsync("connector-gohighlevel",
            "select count(*) from raw_records where workspace_id = 'ghlhooks' and stream = 'opportunities' and canonical->'money'->>'status' = 'won'"));
        Assert.Equal(3, await simulator.CountAsync("connector-gohighlevel", "select count(*) from webhook_events where workspace_id = 'ghlhooks'"));
    }

    [Fact]
    public async Task A_paypal_full_sync_stages_every_transaction_and_the_malformed_one_says_why_without_stopping_the_rest()
    {
        const string client = "paypal-e2e-client", secret = "paypal-e2e-secret";
        await simulator.AccountAsync("paypal", $"{client}:{secret}", 400, ratePermits: 0);
        var expected = await SimulatorTransactionIdsAsync(client, secret);
        var broken = expected.Order(StringComparer.Ordinal).First();
        using (var corrupt = await simulator.Admin.PostAsJsonAsync("_simulator/paypal/corrupt", new { clientId = client, transactionId = broken }))
        {
            corrupt.EnsureSuccessStatusCode();
        }
        await using var connector = await simulator.ConnectorAsync("paypal", "Platform.Connectors.PayPal",
            ("Connectors__PayPal__Workspaces__pp__ClientId", client), ("Connectors__PayPal__Workspaces__pp__ClientSecret", secret));
        var run = NewId.NextGuid();

        await simulator.StartSyncAsync("paypal", run, "pp");
        var completed = await simulator.CompletedAsync(run, Wait);

        Assert.Equal(expected.Count, await simulator.CountAsync("connector-paypal",
            "select count(distinct external_id) from raw_records where workspace_id = 'pp' and stream = 'transactions'"));
        Assert.Equal(1, await simulator.CountAsync("connector-paypal",
            "select count(*) from raw_records where workspace_id = 'pp' and external_id = @id and sync_run_id = @run and canonical->'money' is null " +
            "and canonical->'attributes'->>'mapping_error' like '%transaction_amount.value%'", ("id", broken), ("run", run)));
        Assert.True(await simulator.CountAsync("connector-paypal",
            "select count(*) from raw_records where workspace_id = 'pp' and canonical->'attributes'->>'transaction_event_code' in ('T1106', 'T1107')") >= 40);
        Assert.True(await simulator.CountAsync("connector-paypal",
            "select count(*) from raw_records where workspace_id = 'pp' and stream = 'subscriptions'") >= 1);
        output.WriteLine($"{expected.Count} transactions, {completed.Streams.Sum(s => s.Pages)} pages");
    }

    /// <summary>Every transaction id the simulator shows for a PayPal account, read straight from its API in 31-day windows.</summary>
    private async Task<HashSet<string>> SimulatorTransactionIdsAsync(string client, string secret)
    {
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "v1/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client}:{secret}")));
        using var tokenResponse = await simulator.Admin.SendAsync(tokenRequest);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var ids = new HashSet<string>();
        var end = DateTimeOffset.UtcNow.AddHours(-3);
        for (var start = DateTimeOffset.UtcNow.AddDays((-3 * 365) + 2); start < end; start = start.AddDays(31))
        {
            var windowEnd = start.AddDays(31) < end ? start.AddDays(31) : end;
            using var request = new HttpRequestMessage(HttpMethod.Get,
                $"v1/reporting/transactions?start_date={Format(start)}&end_date={Format(windowEnd)}&page_size=500");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await simulator.Admin.SendAsync(request);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, page.ToString());
            Assert.Equal(1, page.GetProperty("total_pages").GetInt32());
            ids.UnionWith(page.GetProperty("transaction_details").EnumerateArray()
                .Select(d => d.GetProperty("transaction_info").GetProperty("transaction_id").GetString()!));
        }
        return ids;
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
