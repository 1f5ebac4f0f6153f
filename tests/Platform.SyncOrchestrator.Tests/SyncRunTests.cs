using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.SyncOrchestrator.Tests;

public sealed class SyncRunTests(OrchestratorFixture service) : IClassFixture<OrchestratorFixture>
{
    private static readonly string[] Contacts = ["contacts"];
    private static readonly string[] Deals = ["deals"];
    private static readonly string[] Charges = ["charges"];

    private HttpClient Http => service.Http;

    [Fact]
    public async Task Starting_a_sync_records_the_run_with_the_operator_and_sends_StartSync_to_the_connectors_queue()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var from = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        using var response = await Http.PostAsJsonAsync(new Uri("/api/syncs", UriKind.Relative), new
        {
            workspaceId = workspace,
            source = "ploomes",
            streams = Deals,
            mode = "full",
            from,
            to = from.AddMonths(6),
            unify = "deferred",
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<RunDto>())!;
        Assert.Equal($"/api/syncs/{run.Id}", response.Headers.Location?.OriginalString);
        var command = await service.Ploomes.StartOfAsync(run.Id);
        Assert.Equal((workspace, "ploomes", SyncMode.Full, UnifyMode.Deferred), (command.WorkspaceId, command.Source, command.Mode, command.Unify));
        Assert.Equal(["deals"], command.Streams);
        Assert.Equal((from, from.AddMonths(6)), (command.From, command.To));
        Assert.Equal(run.CorrelationId, command.CorrelationId);
        var stored = await service.RunAsync(run.Id);
        Assert.Equal(("requested", "operator", OrchestratorFixture.Operator), (stored.Status, stored.Trigger, stored.RequestedBy));
    }

    [Fact]
    public async Task A_second_sync_of_the_same_workspace_source_and_stream_gets_409_naming_the_active_run()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (first, _) = await service.StartRunAsync(workspace, "ploomes", "contacts");

        using var same = await Http.PostAsJsonAsync(new Uri("/api/syncs", UriKind.Relative), new { workspaceId = workspace, source = "ploomes", streams = Contacts });
        using var all = await Http.PostAsJsonAsync(new Uri("/api/syncs", UriKind.Relative), new { workspaceId = workspace, source = "ploomes" });

        foreach (var response in new[] { same, all })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<ProblemDetails>())!;
            Assert.Contains(first.Id.ToString(), problem.Detail, StringComparison.Ordinal);
            Assert.Contains($"/api/syncs/{first.Id}/cancel", problem.Detail, StringComparison.Ordinal);
        }
        var runs = await service.GetJsonAsync<PageDto<RunDto>>($"/api/syncs?workspaceId={workspace}");
        Assert.Equal(first.Id, Assert.Single(runs.Items).Id);
    }

    [Fact]
    public async Task Another_stream_or_another_workspace_of_the_same_source_can_sync_beside_an_active_run()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        await service.StartRunAsync(workspace, "ploomes", "contacts");

        var (deals, _) = await service.StartRunAsync(workspace, "ploomes", "deals");
        var (other, _) = await service.StartRunAsync(OrchestratorFixture.NewWorkspace(), "ploomes", "contacts");

        Assert.Equal("requested", deals.Status);
        Assert.Equal("requested", other.Status);
    }

    [Fact]
    public async Task Two_simultaneous_requests_for_the_same_stream_start_exactly_one_run()
    {
        var workspace = OrchestratorFixture.NewWorkspace();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Http.PostAsJsonAsync(new Uri("/api/syncs", UriKind.Relative), new { workspaceId = workspace, source = "stripe", streams = Charges })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Progress_moves_the_run_forward_and_never_backwards_whatever_order_reports_arrive_in()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "ploomes");

        await service.Ploomes.ProgressAsync(command, "contacts", pages: 3, fetched: 900, staged: 880, retries: 2, rateLimitWaits: 1);
        await service.RunWhenAsync(run.Id, r => r.Pages == 3, "shows page 3");
        await service.Ploomes.ProgressAsync(command, "contacts", pages: 1, fetched: 300, staged: 300);
        await service.Ploomes.ProgressAsync(command, "contacts", pages: 3, fetched: 900, staged: 880, retries: 2, rateLimitWaits: 1);
        await service.Ploomes.ProgressAsync(command, "deals", pages: 1, fetched: 300, staged: 290, retries: 2, rateLimitWaits: 1);
        var current = await service.RunWhenAsync(run.Id, r => r.Progress.Count == 2, "shows both streams");
        await Task.Delay(500); // the stale report, had it been applied, would be visible by now

        current = await service.RunAsync(run.Id);
        Assert.Equal("running", current.Status);
        var contacts = current.Progress.Single(p => p.Stream == "contacts");
        Assert.Equal((3, 900L, 880L, "page-3"), (contacts.Pages, contacts.RecordsFetched, contacts.RecordsStaged, contacts.Checkpoint));
        Assert.Equal((4, 1200L, 1170L, 2, 1), (current.Pages, current.RecordsFetched, current.RecordsStaged, current.Retries, current.RateLimitWaits));
        Assert.NotNull(current.StartedAt);
        Assert.NotNull(current.LastProgressAt);
    }

    [Fact]
    public async Task A_completed_run_shows_per_stream_totals_and_watermarks_and_a_late_progress_report_changes_nothing()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "ploomes");
        var watermark = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await service.Ploomes.ProgressAsync(command, "contacts", pages: 1, fetched: 300, staged: 300);

        await service.Ploomes.CompleteAsync(command,
            new StreamSummary("contacts", 450, 440, 2, watermark), new StreamSummary("deals", 120, 120, 1, watermark.AddDays(-1)));
        var done = await service.RunWhenAsync(run.Id, r => r.Status == "succeeded", "succeeded");
        await service.Ploomes.ProgressAsync(command, "contacts", pages: 9, fetched: 9_000, staged: 9_000);
        await service.Ploomes.CompleteAsync(command, new StreamSummary("contacts", 1, 1, 1, null));
        await Task.Delay(500);

        var after = await service.RunAsync(run.Id);
        Assert.Equal(JsonSerializer.Serialize(done), JsonSerializer.Serialize(after));
        Assert.Equal((570L, 560L, 3), (after.RecordsFetched, after.RecordsStaged, after.Pages));
        Assert.All(after.Progress, p => Assert.True(p.Completed));
        Assert.Equal(watermark, after.Progress.Single(p => p.Stream == "contacts").Watermark);
        Assert.NotNull(after.FinishedAt);

        // The source is free again: the next run of the same streams is accepted.
        var (next, _) = await service.StartRunAsync(workspace, "ploomes");
        Assert.NotEqual(run.Id, next.Id);
    }

    [Fact]
    public async Task Cancelling_a_running_sync_sends_CancelSync_and_the_run_ends_cancelled_without_an_alert()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "ploomes");
        await service.Ploomes.ProgressAsync(command, "contacts", pages: 1, fetched: 300, staged: 300);
        await service.RunWhenAsync(run.Id, r => r.Status == "running", "running");

        using var response = await Http.PostAsJsonAsync(new Uri($"/api/syncs/{run.Id}/cancel", UriKind.Relative), new { reason = "wrong date range" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var cancelling = (await response.Content.ReadFromJsonAsync<RunDto>())!;
        Assert.Equal(("cancelling", OrchestratorFixture.Operator, "wrong date range"), (cancelling.Status, cancelling.CancelRequestedBy, cancelling.CancelReason));
        var cancel = await service.Ploomes.CancelOfAsync(run.Id);
        Assert.Equal(workspace, cancel.WorkspaceId);

        // What the connector does at the next page boundary.
        await service.Ploomes.FailAsync(command, "cancelled", "Cancelled by an operator; the pages staged before the cancellation are kept.");
        var cancelled = await service.RunWhenAsync(run.Id, r => r.Status == "cancelled", "cancelled");
        Assert.Equal("cancelled", cancelled.ErrorCode);
        Assert.DoesNotContain(await service.AlertsAsync(workspace), a => a.Kind == "run_failed");
    }

    [Fact]
    public async Task Cancelling_a_finished_run_answers_409_and_an_unknown_run_404()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "stripe");
        await service.Stripe.CompleteAsync(command, new StreamSummary("charges", 10, 10, 1, null));
        await service.RunWhenAsync(run.Id, r => r.Status == "succeeded", "succeeded");

        using var finished = await Http.PostAsync(new Uri($"/api/syncs/{run.Id}/cancel", UriKind.Relative), null);
        using var unknown = await Http.PostAsync(new Uri($"/api/syncs/{Guid.NewGuid()}/cancel", UriKind.Relative), null);
        using var get = await Http.GetAsync(new Uri($"/api/syncs/{Guid.NewGuid()}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, finished.StatusCode);
        Assert.Contains("already succeeded", (await finished.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_forced_cancel_ends_a_run_the_connector_lost_at_once_and_frees_the_source()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, _) = await service.StartRunAsync(workspace, "ploomes");

        using var response = await Http.PostAsJsonAsync(new Uri($"/api/syncs/{run.Id}/cancel", UriKind.Relative), new { force = true });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("cancelled", (await response.Content.ReadFromJsonAsync<RunDto>())!.Status);
        await service.Ploomes.CancelOfAsync(run.Id);
        await service.StartRunAsync(workspace, "ploomes");
    }

    [Fact]
    public async Task A_run_whose_StartSync_never_reached_the_broker_is_sent_by_the_dispatcher()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var id = Guid.NewGuid();
        // As left by a request whose send timed out (or a crash between commit and send).
        await using (var connection = new NpgsqlConnection(service.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                insert into "sync-orchestrator".sync_runs (id, workspace_id, source, streams, mode, unify, status, trigger, correlation_id, requested_at)
                values (@id, @workspace, 'ploomes', '{}', 'incremental', 'now', 'requested', 'operator', @id, now() - interval '1 minute')
                """, connection);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("workspace", workspace);
            await insert.ExecuteNonQueryAsync();
        }

        var command = await service.Ploomes.StartOfAsync(id);

        Assert.Equal((workspace, SyncMode.Incremental), (command.WorkspaceId, command.Mode));
        await Eventually.HoldsAsync(async () => await SchemaQuery.CountAsync(service.Database, "sync-orchestrator",
            "select count(*) from sync_runs where id = @id and start_sent_at is not null", ("id", id)) == 1, "the run is marked sent");
    }

    [Theory]
    [InlineData("""{"source":"ploomes"}""", "workspaceId")]
    [InlineData("""{"workspaceId":"w","source":"pipedrive"}""", "source")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","mode":"everything"}""", "mode")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","unify":"later"}""", "unify")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","from":"2026-02-01T00:00:00Z","to":"2026-01-01T00:00:00Z"}""", "to")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","streams":["contacts","invoices"]}""", "streams")]
    public async Task An_invalid_sync_request_answers_400_naming_the_field(string body, string field)
    {
        using var response = await Http.PostAsync(new Uri("/api/syncs", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Contains(field, problem.Errors.Keys);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("", "body")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","from":"yesterday"}""", "from")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","streams":"contacts"}""", "streams")]
    public async Task A_body_that_cannot_be_read_answers_400_naming_what_is_wrong_not_500(string body, string field)
    {
        using var response = await Http.PostAsync(new Uri("/api/syncs", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
    }

    [Fact]
    public async Task A_sync_for_a_workspace_without_credentials_in_the_connector_answers_400_and_records_nothing()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        service.Ploomes.Workspace(workspace).Configured = false;

        using var response = await Http.PostAsJsonAsync(new Uri("/api/syncs", UriKind.Relative), new { workspaceId = workspace, source = "ploomes" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Contains("no ploomes credentials", problem.Errors["source"][0], StringComparison.Ordinal);
        Assert.Equal(0, (await service.GetJsonAsync<PageDto<RunDto>>($"/api/syncs?workspaceId={workspace}")).Total);
    }

    [Fact]
    public async Task A_sync_of_a_source_whose_connector_does_not_answer_is_still_recorded_and_waits_for_it()
    {
        var workspace = OrchestratorFixture.NewWorkspace();

        using var response = await Http.PostAsJsonAsync(new Uri("/api/syncs", UriKind.Relative), new { workspaceId = workspace, source = "hotmart" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("requested", (await response.Content.ReadFromJsonAsync<RunDto>())!.Status);
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_filtered_by_source_and_status_and_paged()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (stripe, stripeCommand) = await service.StartRunAsync(workspace, "stripe");
        await service.Stripe.FailAsync(stripeCommand, "credentials_invalid", "The Stripe API key was rejected (401).");
        await service.RunWhenAsync(stripe.Id, r => r.Status == "failed", "failed");
        var (contacts, _) = await service.StartRunAsync(workspace, "ploomes", "contacts");
        var (deals, _) = await service.StartRunAsync(workspace, "ploomes", "deals");

        var page1 = await service.GetJsonAsync<PageDto<RunDto>>($"/api/syncs?workspaceId={workspace}&pageSize=2");
        var page2 = await service.GetJsonAsync<PageDto<RunDto>>($"/api/syncs?workspaceId={workspace}&pageSize=2&page=2");
        var ploomes = await service.GetJsonAsync<PageDto<RunDto>>($"/api/syncs?workspaceId={workspace}&source=ploomes");
        var failed = await service.GetJsonAsync<PageDto<RunDto>>($"/api/syncs?workspaceId={workspace}&status=failed");
        var active = await service.GetJsonAsync<PageDto<RunDto>>($"/api/syncs?workspaceId={workspace}&status=active");
        using var invalid = await Http.GetAsync(new Uri($"/api/syncs?workspaceId={workspace}&status=done", UriKind.Relative));
        using var noWorkspace = await Http.GetAsync(new Uri("/api/syncs", UriKind.Relative));

        Assert.Equal([deals.Id, contacts.Id], page1.Items.Select(r => r.Id));
        Assert.Equal([stripe.Id], page2.Items.Select(r => r.Id));
        Assert.Equal(3, page1.Total);
        Assert.Equal(2, ploomes.Total);
        Assert.Equal("The Stripe API key was rejected (401).", Assert.Single(failed.Items).Error);
        Assert.Equal(2, active.Total);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noWorkspace.StatusCode);
    }
}
