using Platform.Testing;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;

namespace Platform.SyncOrchestrator.Tests;

public sealed class UnifyTests(OrchestratorFixture service) : IClassFixture<OrchestratorFixture>
{
    [Fact]
    public async Task Unify_sends_ReleaseStagedRecords_and_its_location_shows_the_waiting_records_going_down_to_zero()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var records = service.Ploomes.Workspace(workspace);
        (records.Staged, records.Waiting) = (400, 400);

        using var response = await service.Http.PostAsJsonAsync(new Uri("/api/unify", UriKind.Relative), new { workspaceId = workspace, source = "ploomes" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<UnifyDto>())!;
        Assert.Equal($"/api/unify/{accepted.Id}", response.Headers.Location?.OriginalString);
        var ploomes = Assert.Single(accepted.Sources);
        Assert.Equal(("ploomes", true, 400L), (ploomes.Source, ploomes.Sent, ploomes.WaitingAtRequest));
        Assert.Equal(OrchestratorFixture.Operator, accepted.RequestedBy);
        var command = await service.Ploomes.ReleaseOfAsync(workspace);
        Assert.Null(command.SyncRunId);

        var seen = new List<long>();
        var done = await Eventually.ReturnsAsync(async () =>
        {
            var current = await service.GetJsonAsync<UnifyDto>(response.Headers.Location!.OriginalString);
            seen.Add(current.RecordsWaiting ?? -1);
            return current;
        }, u => u.Status == "done", "the unify request is done");
        Assert.Equal((0L, 400L, 400L), (done.RecordsWaiting, done.Sources[0].Released, done.Sources[0].PublishedSinceRequest));
        Assert.Equal(seen.OrderByDescending(n => n), seen);
    }

    [Fact]
    public async Task Unify_without_a_source_sends_to_every_connector_and_shows_the_one_that_does_not_answer()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        service.Stripe.Workspace(workspace).Waiting = 3;

        using var response = await service.Http.PostAsJsonAsync(new Uri("/api/unify", UriKind.Relative), new { workspaceId = workspace });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await service.Ploomes.ReleaseOfAsync(workspace);
        await service.Stripe.ReleaseOfAsync(workspace);
        var current = await Eventually.ReturnsAsync(() => service.GetJsonAsync<UnifyDto>(response.Headers.Location!.OriginalString),
            u => u.Sources.Single(s => s.Source == "stripe").WaitingNow == 0, "stripe released");
        Assert.Subset(current.Sources.Select(s => s.Source).ToHashSet(), new HashSet<string> { "hotmart", "ploomes", "stripe" });
        var hotmart = current.Sources.Single(s => s.Source == "hotmart");
        Assert.False(hotmart.Reachable);
        Assert.Contains("connector-hotmart", hotmart.Problem, StringComparison.Ordinal);
        Assert.Equal("in_progress", current.Status);
    }

    [Fact]
    public async Task Unify_of_one_run_releases_only_that_runs_records()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, _) = await service.StartRunAsync(workspace, "ploomes");

        using var response = await service.Http.PostAsJsonAsync(new Uri("/api/unify", UriKind.Relative), new { workspaceId = workspace, syncRunId = run.Id });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(run.Id, (await service.Ploomes.ReleaseOfAsync(workspace)).SyncRunId);
        Assert.DoesNotContain(service.Stripe.Releases, r => r.WorkspaceId == workspace);
    }

    [Theory]
    [InlineData("""{"source":"ploomes"}""", "workspaceId")]
    [InlineData("""{"workspaceId":"w","source":"pipedrive"}""", "source")]
    public async Task An_invalid_unify_request_answers_400_naming_the_field(string body, string field)
    {
        using var response = await service.Http.PostAsync(new Uri("/api/unify", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors.Keys);
    }
}
