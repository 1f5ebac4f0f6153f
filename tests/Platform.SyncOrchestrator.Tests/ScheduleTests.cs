using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.Testing;

namespace Platform.SyncOrchestrator.Tests;

/// <summary>Each test owns its workspaces; the clock only moves forward, so later tests start from where earlier ones left it.</summary>
public sealed class ScheduleTests(ScheduleFixture service) : IClassFixture<ScheduleFixture>
{
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    private async Task<ScheduleDto> CreateAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/schedules", UriKind.Relative), body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/schedules: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var schedule = (await response.Content.ReadFromJsonAsync<ScheduleDto>())!;
        Assert.Equal($"/api/schedules/{schedule.Id}", response.Headers.Location?.OriginalString);
        return schedule;
    }

    private Task<long> RunsOfAsync(string workspaceId) => SchemaQuery.CountAsync(service.Database, "sync-orchestrator",
        "select count(*) from sync_runs where workspace_id = @w", ("w", workspaceId));

    [Fact]
    public async Task A_schedule_without_a_cron_syncs_incrementally_every_day_at_09_00_Sao_Paulo_time()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var now = service.Time.GetUtcNow();

        var schedule = await CreateAsync(service.Http, new { workspaceId = workspace, source = "ploomes" });

        Assert.Equal(("0 9 * * *", "America/Sao_Paulo", "incremental", "now", true), (schedule.Cron, schedule.TimeZone, schedule.Mode, schedule.Unify, schedule.Enabled));
        var local = TimeZoneInfo.ConvertTime(schedule.NextRunAt!.Value, SaoPaulo);
        Assert.Equal((9, 0, TimeSpan.FromHours(-3)), (local.Hour, local.Minute, local.Offset));
        Assert.InRange(schedule.NextRunAt.Value - now, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Assert.Equal(local, schedule.NextRunAtLocal);
        Assert.Equal(OrchestratorFixture.Operator, schedule.CreatedBy);
    }

    [Fact]
    public async Task The_every_6_hours_preset_fires_at_midnight_6_noon_and_18_local_time()
    {
        var workspace = OrchestratorFixture.NewWorkspace();

        var schedule = await CreateAsync(service.Http, new { workspaceId = workspace, source = "stripe", preset = "every-6-hours", mode = "full" });

        var local = TimeZoneInfo.ConvertTime(schedule.NextRunAt!.Value, SaoPaulo);
        Assert.Equal(0, local.Hour % 6);
        Assert.Equal(0, local.Minute);
        Assert.InRange(schedule.NextRunAt.Value - service.Time.GetUtcNow(), TimeSpan.FromSeconds(1), TimeSpan.FromHours(6));
        Assert.Equal("full", schedule.Mode);
    }

    [Theory]
    [InlineData("""{"source":"ploomes"}""", "workspaceId")]
    [InlineData("""{"workspaceId":"w","source":"pipedrive"}""", "source")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","cron":"61 9 * * *"}""", "cron")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","cron":"0 9 * *"}""", "cron")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","cron":"* * * * * ?"}""", "cron")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","cron":"every day"}""", "cron")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","cron":"0 9 * * *","preset":"daily"}""", "cron")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","preset":"hourly"}""", "preset")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","timeZone":"Mars/Olympus_Mons"}""", "timeZone")]
    [InlineData("""{"workspaceId":"w","source":"ploomes","mode":"delta"}""", "mode")]
    public async Task An_invalid_schedule_answers_400_naming_the_field(string body, string field)
    {
        using var response = await service.Http.PostAsync(new Uri("/api/schedules", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Contains(field, problem.Errors.Keys);
        Assert.False(string.IsNullOrWhiteSpace(problem.Errors[field][0]));
    }

    [Fact]
    public async Task A_second_schedule_for_the_same_workspace_and_source_gets_409_naming_the_first()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var first = await CreateAsync(service.Http, new { workspaceId = workspace, source = "ploomes" });

        using var response = await service.Http.PostAsJsonAsync(new Uri("/api/schedules", UriKind.Relative), new { workspaceId = workspace, source = "ploomes", preset = "every-6-hours" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains(first.Id.ToString(), (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schedule_missed_during_downtime_runs_once_when_the_orchestrator_is_back_not_once_per_missed_slot()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var schedule = await CreateAsync(service.Http, new { workspaceId = workspace, source = "ploomes", cron = "0 * * * *", unify = "deferred" });
        await service.StopHostAsync(service.Http);

        service.Time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(10)); // five hourly slots pass while no orchestrator runs
        await service.StartHostAsync();

        var fired = await Eventually.ReturnsAsync(() => service.GetJsonAsync<ScheduleDto>($"/api/schedules/{schedule.Id}"),
            s => s.LastRunId is not null, "the schedule fired");
        await Task.Delay(1_000); // ten scheduler passes
        Assert.Equal(1, await RunsOfAsync(workspace));
        var run = await service.RunAsync(fired.LastRunId!.Value);
        Assert.Equal(("schedule", schedule.Id, "incremental", "deferred", (string?)null), (run.Trigger, run.ScheduleId, run.Mode, run.Unify, run.RequestedBy));
        await service.Ploomes.StartOfAsync(run.Id);
        var now = service.Time.GetUtcNow();
        Assert.InRange(fired.NextRunAt!.Value - now, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Contains($"Started run {run.Id}", fired.LastOutcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_orchestrator_instances_never_fire_the_same_slot_twice()
    {
        var second = await service.StartHostAsync();
        var workspaces = Enumerable.Range(0, 20).Select(_ => OrchestratorFixture.NewWorkspace()).ToList();
        foreach (var workspace in workspaces)
        {
            await CreateAsync(service.Http, new { workspaceId = workspace, source = "stripe", cron = "*/5 * * * *" });
        }

        service.Time.Advance(TimeSpan.FromMinutes(5)); // every schedule is due on both instances at once
        foreach (var workspace in workspaces)
        {
            await Eventually.HoldsAsync(async () => await RunsOfAsync(workspace) > 0, $"{workspace}'s schedule fired");
        }
        await Task.Delay(1_000);

        foreach (var workspace in workspaces)
        {
            Assert.Equal(1, await RunsOfAsync(workspace));
        }
        Assert.Equal(20, await SchemaQuery.CountAsync(service.Database, "sync-orchestrator",
            "select count(*) from schedule_firings f join schedules s on s.id = f.schedule_id where s.workspace_id = any(@w)", ("w", workspaces.ToArray())));
        await Eventually.HoldsAsync(() => Task.FromResult(service.Stripe.Starts.Count(s => workspaces.Contains(s.WorkspaceId)) >= 20), "20 StartSync arrived");
        await Task.Delay(500);
        Assert.Equal(20, service.Stripe.Starts.Count(s => workspaces.Contains(s.WorkspaceId)));
        await service.StopHostAsync(second);
    }

    [Fact]
    public async Task A_slot_that_finds_the_previous_run_still_active_is_skipped_and_says_which_run_held_it()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (active, _) = await service.StartRunAsync(workspace, "ploomes");
        var schedule = await CreateAsync(service.Http, new { workspaceId = workspace, source = "ploomes", cron = "*/5 * * * *" });

        service.Time.Advance(TimeSpan.FromMinutes(5));
        var fired = await Eventually.ReturnsAsync(() => service.GetJsonAsync<ScheduleDto>($"/api/schedules/{schedule.Id}"),
            s => s.LastFiredAt is not null, "the slot was handled");

        Assert.Contains($"Skipped: run {active.Id}", fired.LastOutcome, StringComparison.Ordinal);
        Assert.Null(fired.LastRunId);
        Assert.Equal(1, await RunsOfAsync(workspace));
        Assert.True(fired.NextRunAt > service.Time.GetUtcNow());
    }

    [Fact]
    public async Task Schedules_are_listed_changed_disabled_and_deleted()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var schedule = await CreateAsync(service.Http, new { workspaceId = workspace, source = "ploomes" });
        await CreateAsync(service.Http, new { workspaceId = workspace, source = "stripe", preset = "every-6-hours" });

        using var changed = await service.Http.PutAsJsonAsync(new Uri($"/api/schedules/{schedule.Id}", UriKind.Relative), new { cron = "30 7 * * 1-5", timeZone = "UTC" });
        var weekdays = (await changed.Content.ReadFromJsonAsync<ScheduleDto>())!;
        using var disabled = await service.Http.PutAsJsonAsync(new Uri($"/api/schedules/{schedule.Id}", UriKind.Relative), new { enabled = false });
        var off = (await disabled.Content.ReadFromJsonAsync<ScheduleDto>())!;
        var list = await service.GetJsonAsync<PageDto<ScheduleDto>>($"/api/schedules?workspaceId={workspace}");
        using var deleted = await service.Http.DeleteAsync(new Uri($"/api/schedules/{schedule.Id}", UriKind.Relative));
        using var gone = await service.Http.GetAsync(new Uri($"/api/schedules/{schedule.Id}", UriKind.Relative));

        Assert.Equal(("30 7 * * 1-5", "UTC"), (weekdays.Cron, weekdays.TimeZone));
        Assert.Equal((7, 30), (weekdays.NextRunAt!.Value.Hour, weekdays.NextRunAt.Value.Minute));
        Assert.InRange((int)weekdays.NextRunAt.Value.DayOfWeek, 1, 5);
        Assert.Equal("incremental", weekdays.Mode);
        Assert.False(off.Enabled);
        Assert.Null(off.NextRunAt);
        Assert.Equal(["ploomes", "stripe"], list.Items.Select(s => s.Source));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
