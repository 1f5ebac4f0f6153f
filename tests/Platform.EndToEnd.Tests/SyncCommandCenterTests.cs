using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

/// <summary>An operator runs and watches Ploomes syncs through the gateway, against the source simulator.</summary>
public sealed class SyncCommandCenterTests(SyncCommandCenterFixture center, ITestOutputHelper output) : IClassFixture<SyncCommandCenterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);
    private HttpClient Api => center.Api;

    [Fact]
    public async Task An_operator_starts_a_Ploomes_backfill_watches_it_succeed_and_reads_the_clients_and_their_customer_sales()
    {
        const string workspace = "cc-backfill";
        var size = SyncCommandCenterFixture.Workspaces[workspace];
        // Every page (three of each stream) takes 1.2 s: each gap is short of the 3 s stuck threshold, and the run stays
        // running for about two seconds after its first progress (with only the first two pages slow, the last two came
        // together and a loaded machine once missed the sub-second window in which the run was running).
        await center.FaultAsync(workspace, new { source = "ploomes", credential = SyncCommandCenterFixture.KeyOf(workspace), kind = "slow", count = 6, delayMs = 1_200 });

        var location = await StartSyncAsync(new { workspaceId = workspace, source = "ploomes", mode = "full" });
        var seen = new List<(string Status, int Pages)>();
        var run = await RunWhenAsync(location, r =>
        {
            seen.Add((r.GetProperty("status").GetString()!, r.GetProperty("pages").GetInt32()));
            return seen[^1].Status is "succeeded" or "failed";
        });

        output.WriteLine($"watched: {string.Join(" → ", seen.Distinct().Select(s => $"{s.Status} ({s.Pages} pages)"))}");
        Assert.True(run.GetProperty("status").GetString() == "succeeded", $"run ended {run}");
        Assert.Contains(seen, s => s is { Status: "running", Pages: > 0 and < 6 });
        Assert.Equal(seen.Select(s => s.Pages).Order(), seen.Select(s => s.Pages));
        Assert.Equal(SyncCommandCenterFixture.Operator, run.GetProperty("requestedBy").GetString());
        var progress = run.GetProperty("progress").EnumerateArray().ToDictionary(p => p.GetProperty("stream").GetString()!);
        Assert.Equal((size, 3), (progress["contacts"].GetProperty("recordsFetched").GetInt32(), progress["contacts"].GetProperty("pages").GetInt32()));
        Assert.Equal((size, 3), (progress["deals"].GetProperty("recordsFetched").GetInt32(), progress["deals"].GetProperty("pages").GetInt32()));
        Assert.All(progress.Values, p => Assert.True(p.GetProperty("completed").GetBoolean()));

        // Every staged record reached identity resolution; the clients are readable, and the test subscriber heard about each.
        await Eventually(() => GetAsync($"/api/identity/stats?workspaceId={workspace}"),
            s => s.GetProperty("records").GetInt64() == 2 * size, "identity resolution holds every record");
        var clients = await ClientIdsAsync(workspace);
        Assert.InRange(clients.Count, size / 2, size);
        await Eventually(async () => clients.Except(center.ClientUpdates.Received.Where(u => u.WorkspaceId == workspace).Select(u => u.ClientId)).Count(),
            missing => missing == 0, "a ClientUpdated arrived for every client");

        // customer_sales, from aggregation: the best customers by won-deal revenue, and one customer's totals. Aggregation
        // may still be taking in the last records, so the ranking and the totals are read together until they agree.
        var (best, brl) = await Eventually(async () =>
            {
                var top = (await GetAsync($"/api/reports/top-customers?workspaceId={workspace}&currency=BRL&limit=5"))
                    .GetProperty("items").EnumerateArray().ToList();
                if (top.Count == 0)
                {
                    return (Guid.Empty, default(JsonElement), false);
                }
                var id = top[0].GetProperty("clientId").GetGuid();
                var totals = (await GetAsync($"/api/customers/{id}/sales")).GetProperty("totals").EnumerateArray().ToList();
                var agree = totals.Count == 1 && totals[0].GetProperty("totalRevenue").GetDecimal() == top[0].GetProperty("totalRevenue").GetDecimal();
                return (id, totals.Count == 1 ? totals[0] : default, agree);
            },
            r => r.Item3, "aggregation's ranking and the customer's totals agree") switch { var (id, totals, _) => (id, totals) };
        Assert.Contains(best, clients);
        Assert.Equal("BRL", brl.GetProperty("currency").GetString());
        Assert.True(brl.GetProperty("wonDeals").GetInt32() >= 1);
        output.WriteLine($"{clients.Count} clients; best customer {best}: {brl}");

        var sources = (await GetAsync($"/api/sources?workspaceId={workspace}")).GetProperty("items").EnumerateArray()
            .ToDictionary(s => s.GetProperty("source").GetString()!);
        var ploomes = sources["ploomes"];
        Assert.Equal("ok", ploomes.GetProperty("state").GetString());
        Assert.Equal(run.GetProperty("id").GetGuid(), ploomes.GetProperty("lastSuccessfulSync").GetProperty("id").GetGuid());
        Assert.Equal(2 * size, ploomes.GetProperty("recordsStaged").GetInt64());
        Assert.Equal(0, ploomes.GetProperty("recordsWaitingForUnify").GetInt64());
        Assert.All(ploomes.GetProperty("streams").EnumerateArray(), s => Assert.Equal(JsonValueKind.String, s.GetProperty("watermark").ValueKind));
        Assert.Equal("unreachable", sources["stripe"].GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_deferred_backfill_leaves_records_waiting_in_sources_until_unify_then_they_become_clients()
    {
        const string workspace = "cc-deferred";
        var records = 2 * SyncCommandCenterFixture.Workspaces[workspace];

        var location = await StartSyncAsync(new { workspaceId = workspace, source = "ploomes", mode = "full", unify = "deferred" });
        var run = await RunWhenAsync(location, r => r.GetProperty("status").GetString() is "succeeded" or "failed");
        Assert.True(run.GetProperty("status").GetString() == "succeeded", $"run ended {run}");

        var waiting = await GetAsync($"/api/sources/ploomes?workspaceId={workspace}");
        Assert.Equal(records, waiting.GetProperty("recordsWaitingForUnify").GetInt64());
        Assert.Equal(0, waiting.GetProperty("recordsPublished").GetInt64());
        await Task.Delay(3_000); // three relay passes: nothing deferred may be published by itself
        Assert.Empty(await ClientIdsAsync(workspace));
        Assert.DoesNotContain(center.ClientUpdates.Received, u => u.WorkspaceId == workspace);

        using var unify = await Api.PostAsJsonAsync("api/unify", new { workspaceId = workspace, source = "ploomes" });
        Assert.True(unify.StatusCode == HttpStatusCode.Accepted, $"POST /api/unify: {(int)unify.StatusCode} {await unify.Content.ReadAsStringAsync()}");
        var accepted = await unify.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(records, accepted.GetProperty("sources")[0].GetProperty("waitingAtRequest").GetInt64());
        var done = await Eventually(() => GetAsync(unify.Headers.Location!.OriginalString),
            u => u.GetProperty("status").GetString() == "done", "the unify request is done");
        Assert.Equal(records, done.GetProperty("sources")[0].GetProperty("released").GetInt64());
        Assert.Equal(records, done.GetProperty("sources")[0].GetProperty("publishedSinceRequest").GetInt64());

        var clients = await Eventually(() => ClientIdsAsync(workspace), ids => ids.Count > 0, "the released records became clients");
        await center.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && clients.Contains(u.ClientId), Wait);
        var after = await GetAsync($"/api/sources/ploomes?workspaceId={workspace}");
        Assert.Equal((0L, (long)records), (after.GetProperty("recordsWaitingForUnify").GetInt64(), after.GetProperty("recordsPublished").GetInt64()));
        output.WriteLine($"{records} records waited for unify; {clients.Count} clients after it");
    }

    [Fact]
    public async Task A_run_the_source_answers_401_shows_as_failed_with_the_reason_and_raises_an_alert()
    {
        const string workspace = "cc-revoked";
        await center.FaultAsync(workspace, new { source = "ploomes", credential = SyncCommandCenterFixture.KeyOf(workspace), kind = "unauthorized", fromRequest = 1 });

        var location = await StartSyncAsync(new { workspaceId = workspace, source = "ploomes", mode = "full" });
        var run = await RunWhenAsync(location, r => r.GetProperty("status").GetString() is "succeeded" or "failed");

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal("credentials_invalid", run.GetProperty("errorCode").GetString());
        var reason = run.GetProperty("error").GetString()!;
        Assert.Contains("401", reason, StringComparison.Ordinal);
        Assert.Contains("User-Key", reason, StringComparison.Ordinal);
        var id = run.GetProperty("id").GetGuid();
        var alerts = await Eventually(async () => (await GetAsync($"/api/alerts?workspaceId={workspace}")).GetProperty("items").EnumerateArray().ToList(),
            items => items.Any(a => a.GetProperty("kind").GetString() == "run_failed"), "a failure alert exists");
        var alert = alerts.Single(a => a.GetProperty("kind").GetString() == "run_failed");
        Assert.Equal(id, alert.GetProperty("runId").GetGuid());
        Assert.Contains(reason, alert.GetProperty("message").GetString(), StringComparison.Ordinal);
        var source = await GetAsync($"/api/sources/ploomes?workspaceId={workspace}");
        Assert.Equal("failing", source.GetProperty("state").GetString());
        Assert.Equal(id, source.GetProperty("lastError").GetProperty("runId").GetGuid());
        output.WriteLine(reason);
    }

    [Fact]
    public async Task A_run_held_up_by_a_slow_source_is_detected_as_stuck_with_an_alert_and_then_finishes()
    {
        const string workspace = "cc-slow";
        await center.FaultAsync(workspace, new { source = "ploomes", credential = SyncCommandCenterFixture.KeyOf(workspace), kind = "slow", count = 2, delayMs = 9_000 });

        var location = await StartSyncAsync(new { workspaceId = workspace, source = "ploomes", mode = "full" });
        var stuck = await RunWhenAsync(location, r => r.GetProperty("stuckSince").ValueKind == JsonValueKind.String);

        var id = stuck.GetProperty("id").GetGuid();
        var alerts = (await GetAsync($"/api/alerts?workspaceId={workspace}&kind=run_stuck")).GetProperty("items").EnumerateArray().ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal(id, alert.GetProperty("runId").GetGuid());
        output.WriteLine(alert.GetProperty("message").GetString());
        var finished = await RunWhenAsync(location, r => r.GetProperty("status").GetString() is "succeeded" or "failed");
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, finished.GetProperty("stuckSince").ValueKind);
    }

    private async Task<string> StartSyncAsync(object body)
    {
        using var response = await Api.PostAsJsonAsync("api/syncs", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted,
            $"POST /api/syncs: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}{Environment.NewLine}{center.Logs()}");
        return response.Headers.Location!.OriginalString;
    }

    private Task<JsonElement> RunWhenAsync(string location, Func<JsonElement, bool> done) =>
        Eventually(() => GetAsync(location), done, $"{location} is in the expected state");

    /// <summary>Every client of the workspace, page by page.</summary>
    private async Task<List<Guid>> ClientIdsAsync(string workspace)
    {
        var ids = new List<Guid>();
        for (var page = 1; ; page++)
        {
            var items = (await GetAsync($"/api/clients?workspaceId={workspace}&pageSize=200&page={page}")).GetProperty("items").EnumerateArray().ToList();
            ids.AddRange(items.Select(c => c.GetProperty("id").GetGuid()));
            if (items.Count < 200)
            {
                return ids;
            }
        }
    }

    /// <summary>The body of a GET through the gateway; a 404 is an empty element (not there yet), anything else not 2xx fails.</summary>
    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Api.GetAsync(path.TrimStart('/'));
        if (response.StatusCode == HttpStatusCode.NotFound && path.StartsWith("/api/customers/", StringComparison.Ordinal))
        {
            return default;
        }
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
