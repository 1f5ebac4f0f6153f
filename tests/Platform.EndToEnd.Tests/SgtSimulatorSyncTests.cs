using System.Net.Http.Json;
using MassTransit;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

/// <summary>connector-sgt against the simulator's SGT: full scans of a company, rate limit, bad tokens.</summary>
public class SgtSimulatorSyncTests(SimulatorFixture simulator, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);

    private async Task AccountAsync(string token, string company, int size, int? ratePermits)
    {
        using var response = await simulator.Admin.PostAsJsonAsync("_simulator/accounts", new { source = "sgt", credential = token, company, seed = 7, size, ratePermits });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_full_sgt_sync_stages_every_lead_of_the_company_customers_or_not_within_ten_requests_a_second()
    {
        const string token = "sgt-e2e-blue";
        await AccountAsync(token, "blue", 1_356, ratePermits: 10);
        await using var connector = await simulator.ConnectorAsync("sgt", "Platform.Connectors.Sgt",
            ("Connectors__Sgt__Workspaces__sgt-blue__Token", token), ("Connectors__Sgt__Workspaces__sgt-blue__Empresa", "blue"));
        var run = NewId.NextGuid();

        await simulator.StartSyncAsync("sgt", run, "sgt-blue");
        var completed = await simulator.CompletedAsync(run, Wait);

        var stats = await simulator.StatsAsync("sgt", token);
        output.WriteLine($"{stats.GetProperty("requests")} requests, peak {stats.GetProperty("maxRequestsInAnyWindow")} in a second, {stats.GetProperty("throttled")} throttled");
        Assert.Equal(1_356, await simulator.CountAsync("connector-sgt",
            "select count(distinct external_id) from raw_records where workspace_id = 'sgt-blue' and stream = 'leads' and entity_type = 'Contact'"));
        Assert.True(await simulator.CountAsync("connector-sgt",
            "select count(*) from raw_records where workspace_id = 'sgt-blue' and canonical->'attributes'->>'venda_realizada' = 'false' and canonical->'attributes'->>'stage' <> 'Cliente'") > 500,
            "leads that are not customers were left out: the scan must read every lead");
        Assert.Equal(1_356, Assert.Single(completed.Streams).RecordsStaged);
        Assert.Equal(0, stats.GetProperty("throttled").GetInt64());
        Assert.InRange(stats.GetProperty("maxRequestsInAnyWindow").GetInt64(), 1, 10);
    }

    [Fact]
    public async Task A_token_sgt_refuses_fails_the_run_with_credentials_invalid()
    {
        await using var connector = await simulator.ConnectorAsync("sgt", "Platform.Connectors.Sgt",
            ("Connectors__Sgt__Workspaces__sgt-bad__Token", "not-a-token"), ("Connectors__Sgt__Workspaces__sgt-bad__Empresa", "blue"));
        var run = NewId.NextGuid();
        var failed = simulator.Failed.WaitForAsync(m => m.SyncRunId == run, Wait);

        await simulator.StartSyncAsync("sgt", run, "sgt-bad");

        var outcome = await failed;
        Assert.Equal("credentials_invalid", outcome.ErrorCode);
        Assert.Contains("sgt-bad", outcome.Reason, StringComparison.Ordinal);
    }
}
