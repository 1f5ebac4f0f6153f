using System.Net;
using MassTransit;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Stripe.Tests;

[Collection("stripe-backfill")]
public class StripeBackfillTests(StripeBackfillFixture fixture) : IClassFixture<StripeBackfillFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private Task<long> Rows(int workspace) =>
        fixture.CountAsync("select count(*) from raw_records where workspace_id = @ws", ("ws", $"bf-{workspace}"));

    private Task<long> DistinctRecords(int workspace) =>
        fixture.CountAsync("select count(distinct external_id) from raw_records where workspace_id = @ws", ("ws", $"bf-{workspace}"));

    [Fact]
    public async Task A_full_backfill_across_many_pages_stages_every_customer_once_and_reports_progress()
    {
        var api = fixture.Api(1);
        api.AddCustomers(1_250, Now.AddDays(-1));
        var run = NewId.NextGuid();

        await fixture.StartSyncAsync(run, 1);

        var completed = await fixture.Completed.WaitForAsync(m => m.SyncRunId == run, Wait);
        var customers = Assert.Single(completed.Streams);
        Assert.Equal(1_250, customers.RecordsFetched);
        Assert.Equal(1_250, customers.RecordsStaged);
        Assert.Equal(13, customers.Pages);
        Assert.Equal(1_250, await Rows(1));
        var last = await fixture.Progress.WaitForAsync(m => m.SyncRunId == run && m.Pages == 13, Wait);
        Assert.Equal(1_250, last.RecordsStaged);
        await fixture.Staged.WaitForAsync(m => m.SyncRunId == run && m.Record.ExternalId == "cus_fake000000", Wait);
    }

    [Fact]
    public async Task A_backfill_interrupted_mid_run_resumes_from_its_checkpoint_and_ends_with_every_record_exactly_once()
    {
        var api = fixture.Api(2);
        api.AddCustomers(3_000, Now.AddDays(-2));
        // Slow enough that the stop lands mid-run: the runner reads pages ahead and commits up to 1,000 records at a time.
        api.Delay = TimeSpan.FromMilliseconds(100);
        var run = NewId.NextGuid();
        await fixture.StartSyncAsync(run, 2);

        // Stop the connector while the run is between pages 5 and 30 (the page in flight is abandoned).
        await fixture.Progress.WaitForAsync(m => m.SyncRunId == run && m.Pages >= 5, Wait);
        await fixture.Host.DisposeAsync();
        var stagedBeforeRestart = await Rows(2);
        Assert.InRange(stagedBeforeRestart, 500, 2_999);

        api.Delay = TimeSpan.Zero;
        fixture.StartHost();
        var completed = await fixture.Completed.WaitForAsync(m => m.SyncRunId == run, Wait);

        Assert.Equal(3_000, await Rows(2));
        Assert.Equal(3_000, await DistinctRecords(2));
        Assert.Equal(3_000, Assert.Single(completed.Streams).RecordsStaged);
    }

    [Fact]
    public async Task A_key_rejected_mid_run_fails_the_run_with_a_reason_that_says_the_credentials_must_change()
    {
        var api = fixture.Api(3);
        api.AddCustomers(700, Now.AddDays(-1));
        api.Fault = n => n >= 4 ? FakeStripeApi.Json(HttpStatusCode.Unauthorized, """{"error":{"message":"Expired API Key provided"}}""") : null;
        var run = NewId.NextGuid();

        await fixture.StartSyncAsync(run, 3);

        var failed = await fixture.Failed.WaitForAsync(m => m.SyncRunId == run, Wait);
        Assert.Equal("credentials_invalid", failed.ErrorCode);
        Assert.Contains("rejected the credentials of workspace 'bf-3'", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("Expired API Key", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(300, await Rows(3)); // the three pages before the key expired are kept
        Assert.Equal(1, await fixture.CountAsync("select count(*) from sync_runs where id = @id and status = 'failed'", ("id", run)));
    }

    [Fact]
    public async Task Server_errors_and_429s_are_retried_and_the_run_still_completes()
    {
        var api = fixture.Api(4);
        api.AddCustomers(400, Now.AddDays(-1));
        api.Fault = n => n switch
        {
            2 or 3 => FakeStripeApi.Json(HttpStatusCode.ServiceUnavailable, "{}"),
            5 => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(1)) } },
            _ => null,
        };
        var run = NewId.NextGuid();

        await fixture.StartSyncAsync(run, 4);

        await fixture.Completed.WaitForAsync(m => m.SyncRunId == run, Wait);
        Assert.Equal(400, await Rows(4));
        var progress = fixture.Progress.Received.Where(m => m.SyncRunId == run).MaxBy(m => m.Pages)!;
        Assert.True(progress.Retries >= 3, $"retries counted: {progress.Retries}");
    }

    [Fact]
    public async Task An_incremental_sync_reads_events_since_the_watermark_and_stages_only_what_changed()
    {
        var api = fixture.Api(5);
        api.AddCustomers(250, Now.AddHours(-3));
        var full = NewId.NextGuid();
        await fixture.StartSyncAsync(full, 5);
        await fixture.Completed.WaitForAsync(m => m.SyncRunId == full, Wait);
        Assert.Equal(250, await Rows(5));

        api.UpdateCustomer(10, "novo.email@exemplo.com.br", Now.AddMinutes(1));
        var incremental = NewId.NextGuid();
        await fixture.StartSyncAsync(incremental, 5, SyncMode.Incremental);

        var completed = await fixture.Completed.WaitForAsync(m => m.SyncRunId == incremental, Wait);
        Assert.Equal(1, Assert.Single(completed.Streams).RecordsStaged);
        Assert.Equal(251, await Rows(5));

        // Nothing changed since: a second incremental run re-emits nothing.
        var again = NewId.NextGuid();
        await fixture.StartSyncAsync(again, 5, SyncMode.Incremental);
        var quiet = await fixture.Completed.WaitForAsync(m => m.SyncRunId == again, Wait);
        Assert.Equal(0, Assert.Single(quiet.Streams).RecordsStaged);
        Assert.DoesNotContain(fixture.Staged.Received, m => m.SyncRunId == again);
    }

    [Fact]
    public async Task A_date_range_backfill_stages_only_that_range_and_leaves_the_live_watermark_where_it_was()
    {
        var api = fixture.Api(6);
        api.AddCustomers(300, Now.AddHours(-2)); // one a minute: the range below holds 60 of them
        var full = NewId.NextGuid();
        await fixture.StartSyncAsync(full, 6);
        await fixture.Completed.WaitForAsync(m => m.SyncRunId == full, Wait);
        var watermark = await fixture.CountAsync(
            "select extract(epoch from watermark)::bigint from stream_watermarks where workspace_id = 'bf-6' and stream = 'customers'");

        var from = Now.AddHours(-2).AddMinutes(-299 + 100);
        var range = NewId.NextGuid();
        await fixture.StartSyncAsync(range, 6, SyncMode.Full, from, from.AddMinutes(60));
        var completed = await fixture.Completed.WaitForAsync(m => m.SyncRunId == range, Wait);

        Assert.Equal(60, Assert.Single(completed.Streams).RecordsFetched);
        Assert.Equal(watermark, await fixture.CountAsync(
            "select extract(epoch from watermark)::bigint from stream_watermarks where workspace_id = 'bf-6' and stream = 'customers'"));
    }

    [Fact]
    public async Task A_cancelled_run_stops_at_a_page_boundary_and_says_it_was_cancelled()
    {
        var api = fixture.Api(7);
        api.AddCustomers(2_000, Now.AddDays(-1));
        api.Delay = TimeSpan.FromMilliseconds(100);
        var run = NewId.NextGuid();
        await fixture.StartSyncAsync(run, 7);
        await fixture.Progress.WaitForAsync(m => m.SyncRunId == run && m.Pages >= 2, Wait);

        var endpoint = await fixture.Completed.Bus.GetSendEndpoint(ConnectorQueues.For("stripe"));
        await endpoint.Send(new CancelSync { WorkspaceId = "bf-7", CorrelationId = run, SyncRunId = run, Reason = "test" });

        var failed = await fixture.Failed.WaitForAsync(m => m.SyncRunId == run, Wait);
        Assert.Equal("cancelled", failed.ErrorCode);
        Assert.True(await Rows(7) < 2_000);
        Assert.Equal(0, await Rows(7) % 100); // whole pages only
    }

    [Fact]
    public async Task The_status_endpoint_shows_the_watermark_and_what_is_staged_published_and_waiting()
    {
        var api = fixture.Api(9);
        api.AddCustomers(150, Now.AddHours(-1));
        var run = NewId.NextGuid();
        var endpoint = await fixture.Completed.Bus.GetSendEndpoint(ConnectorQueues.For("stripe"));
        await endpoint.Send(new StartSync
        {
            WorkspaceId = "bf-9", CorrelationId = run, SyncRunId = run, Source = "stripe", Mode = SyncMode.Full,
            Streams = ["customers"], Unify = UnifyMode.Deferred,
        });
        await fixture.Completed.WaitForAsync(m => m.SyncRunId == run, Wait);

        using var client = fixture.Host.CreateClient();
        var status = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(client, "/internal/status/bf-9");

        Assert.True(status.GetProperty("configured").GetBoolean());
        Assert.Equal(150, status.GetProperty("recordsStaged").GetInt64());
        Assert.Equal(150, status.GetProperty("recordsWaitingForUnify").GetInt64());
        Assert.Equal(0, status.GetProperty("recordsPublished").GetInt64());
        var customers = status.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("stream").GetString() == "customers");
        Assert.Equal(System.Text.Json.JsonValueKind.String, customers.GetProperty("watermark").ValueKind);
        Assert.Equal("succeeded", status.GetProperty("lastRun").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_sync_for_an_unknown_stream_fails_at_once_naming_the_known_streams()
    {
        var run = NewId.NextGuid();
        await fixture.StartSyncAsync(run, 8, SyncMode.Full, null, null, "customers", "widgets");
        var failed = await fixture.Failed.WaitForAsync(m => m.SyncRunId == run, Wait);
        Assert.Equal("bad_request", failed.ErrorCode);
        Assert.Contains("widgets", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("charges", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_for_a_workspace_without_credentials_fails_with_what_to_set()
    {
        var run = NewId.NextGuid();
        var endpoint = await fixture.Completed.Bus.GetSendEndpoint(ConnectorQueues.For("stripe"));
        await endpoint.Send(new StartSync { WorkspaceId = "nobody", CorrelationId = run, SyncRunId = run, Source = "stripe", Mode = SyncMode.Full });
        var failed = await fixture.Failed.WaitForAsync(m => m.SyncRunId == run, Wait);
        Assert.Equal("credentials_missing", failed.ErrorCode);
        Assert.Contains("Connectors__stripe__Workspaces__nobody", failed.Reason, StringComparison.Ordinal);
    }
}
