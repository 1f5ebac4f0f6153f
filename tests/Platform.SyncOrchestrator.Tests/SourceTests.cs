using System.Net;
using System.Net.Http.Json;
using Platform.Contracts.Connectors;

namespace Platform.SyncOrchestrator.Tests;

public sealed class SourceTests(OrchestratorFixture service) : IClassFixture<OrchestratorFixture>
{
    [Fact]
    public async Task Sources_lists_every_deployed_connector_and_reports_one_that_does_not_answer_as_unreachable()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var ploomes = service.Ploomes.Workspace(workspace);
        (ploomes.Staged, ploomes.Published, ploomes.Waiting) = (120, 80, 40);
        ploomes.Watermarks["contacts"] = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        service.Stripe.Workspace(workspace).Configured = false;

        var sources = await service.GetJsonAsync<PageDto<SourceDto>>($"/api/sources?workspaceId={workspace}");

        // Every connector in appsettings.json is listed by name; the three faked here are among them.
        var names = sources.Items.Select(s => s.Source).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "hotmart", "ploomes", "stripe" });
        var hotmart = sources.Items.Single(s => s.Source == "hotmart");
        Assert.Equal(("unreachable", false, null, null), (hotmart.State, hotmart.Reachable, hotmart.Configured, hotmart.RecordsWaitingForUnify));
        Assert.Contains("connector-hotmart", hotmart.Problem, StringComparison.Ordinal);
        var p = sources.Items.Single(s => s.Source == "ploomes");
        Assert.Equal(("never_synced", true, true), (p.State, p.Reachable, p.Configured));
        Assert.Equal((120L, 80L, 40L), (p.RecordsStaged, p.RecordsPublished, p.RecordsWaitingForUnify));
        Assert.Equal(ploomes.Watermarks["contacts"], p.Streams.Single(s => s.Stream == "contacts").Watermark);
        Assert.Null(p.Streams.Single(s => s.Stream == "deals").Watermark);
        var stripe = sources.Items.Single(s => s.Source == "stripe");
        Assert.Equal(("not_configured", false), (stripe.State, stripe.Configured));
    }

    [Fact]
    public async Task A_source_shows_its_last_successful_sync_its_last_error_its_active_run_and_its_next_scheduled_run()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (ok, okCommand) = await service.StartRunAsync(workspace, "ploomes");
        await service.Ploomes.CompleteAsync(okCommand, new StreamSummary("contacts", 5, 5, 1, null));
        await service.RunWhenAsync(ok.Id, r => r.Status == "succeeded", "succeeded");
        var (bad, badCommand) = await service.StartRunAsync(workspace, "ploomes");
        await service.Ploomes.FailAsync(badCommand, "credentials_invalid", "The Ploomes User-Key was rejected (401); set a new User-Key.");
        await service.RunWhenAsync(bad.Id, r => r.Status == "failed", "failed");
        var (running, _) = await service.StartRunAsync(workspace, "ploomes", "deals");
        using (var created = await service.Http.PostAsJsonAsync(new Uri("/api/schedules", UriKind.Relative), new { workspaceId = workspace, source = "ploomes" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var source = await service.GetJsonAsync<SourceDto>($"/api/sources/ploomes?workspaceId={workspace}");

        Assert.Equal("syncing", source.State);
        Assert.Equal(ok.Id, source.LastSuccessfulSync?.Id);
        Assert.Equal((bad.Id, "credentials_invalid"), (source.LastError?.RunId, source.LastError?.ErrorCode));
        Assert.Contains("User-Key was rejected", source.LastError?.Error, StringComparison.Ordinal);
        Assert.Equal(running.Id, Assert.Single(source.ActiveRuns).Id);
        Assert.Equal(running.Id, source.LastRun?.Id);
        Assert.NotNull(source.NextScheduledRunAt);
        Assert.Equal(source.Schedule?.NextRunAt, source.NextScheduledRunAt);
        Assert.Equal(0, source.NextScheduledRunAt!.Value.Minute);
    }

    [Fact]
    public async Task A_single_source_needs_a_workspace_and_an_unknown_source_is_404()
    {
        using var noWorkspace = await service.Http.GetAsync(new Uri("/api/sources/ploomes", UriKind.Relative));
        using var unknown = await service.Http.GetAsync(new Uri("/api/sources/pipedrive?workspaceId=w", UriKind.Relative));
        using var list = await service.Http.GetAsync(new Uri("/api/sources", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, noWorkspace.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
    }
}
