using Platform.Testing;
using System.Net.Http.Json;

namespace Platform.SyncOrchestrator.Tests;

public sealed class AlertTests(OrchestratorFixture service) : IClassFixture<OrchestratorFixture>
{
    [Fact]
    public async Task A_failed_run_shows_the_reason_and_raises_one_alert_even_when_the_failure_is_delivered_twice()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "ploomes");
        const string reason = "The Ploomes User-Key was rejected (401): it is expired or revoked; set a new User-Key.";

        await service.Ploomes.FailAsync(command, "credentials_invalid", reason, "contacts");
        await service.Ploomes.FailAsync(command, "credentials_invalid", reason, "contacts");
        var failed = await service.RunWhenAsync(run.Id, r => r.Status == "failed", "failed");
        await Task.Delay(500);

        Assert.Equal(("credentials_invalid", reason, "contacts"), (failed.ErrorCode, failed.Error, failed.FailedStream));
        var alert = Assert.Single(await service.AlertsAsync(workspace), a => a.Kind == "run_failed");
        Assert.Equal((run.Id, "ploomes"), (alert.RunId, alert.Source));
        Assert.Contains(reason, alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_without_progress_for_the_stuck_threshold_raises_one_stuck_alert_and_progress_clears_the_mark()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "ploomes");

        var stuck = await service.RunWhenAsync(run.Id, r => r.StuckSince is not null, "is marked stuck", TimeSpan.FromSeconds(20));
        var alert = Assert.Single(await service.AlertsAsync(workspace));
        Assert.Equal(("run_stuck", run.Id), (alert.Kind, alert.RunId));
        Assert.Contains("not reported any progress", alert.Message, StringComparison.Ordinal);
        Assert.Equal("requested", stuck.Status);

        await service.Ploomes.ProgressAsync(command, "contacts", pages: 1, fetched: 300, staged: 300);
        var moving = await service.RunWhenAsync(run.Id, r => r.StuckSince is null, "is no longer stuck");
        Assert.Equal("running", moving.Status);
        Assert.Single(await service.AlertsAsync(workspace));
    }

    [Fact]
    public async Task The_alert_webhook_gets_Slack_compatible_text_and_is_retried_until_it_accepts()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "stripe");
        service.Webhook.Refuse(run.Id.ToString(), times: 2);

        await service.Stripe.FailAsync(command, "source_unavailable", "Stripe answered 503 six times in a row; try again later.");

        var alert = await Eventually.ReturnsAsync(async () => (await service.AlertsAsync(workspace)).SingleOrDefault(a => a.Kind == "run_failed"),
            a => a?.Webhook.Status == "delivered", "the alert's webhook is delivered");
        Assert.Equal(3, alert!.Webhook.Attempts);
        var deliveries = service.Webhook.Mentioning(run.Id.ToString()).Where(d => d.Body.GetProperty("text").GetString()!.Contains("failed", StringComparison.Ordinal)).ToList();
        Assert.Equal([503, 503, 200], deliveries.Select(d => d.Status));
        var text = deliveries[^1].Body.GetProperty("text").GetString()!;
        Assert.Contains("Stripe answered 503 six times", text, StringComparison.Ordinal);
        Assert.Contains(workspace, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_acknowledges_an_alert_and_the_list_filters_by_it()
    {
        var workspace = OrchestratorFixture.NewWorkspace();
        var (run, command) = await service.StartRunAsync(workspace, "ploomes");
        await service.Ploomes.FailAsync(command, "bad_response", "Ploomes sent data the connector could not read.");
        var alert = await Eventually.ReturnsAsync(async () => (await service.AlertsAsync(workspace)).FirstOrDefault(a => a.RunId == run.Id),
            a => a is not null, "an alert exists");

        using var response = await service.Http.PostAsync(new Uri($"/api/alerts/{alert!.Id}/acknowledge", UriKind.Relative), null);
        var acknowledged = (await response.Content.ReadFromJsonAsync<AlertDto>())!;

        Assert.Equal(OrchestratorFixture.Operator, acknowledged.AcknowledgedBy);
        var open = await service.GetJsonAsync<PageDto<AlertDto>>($"/api/alerts?workspaceId={workspace}&acknowledged=false");
        Assert.DoesNotContain(open.Items, a => a.Id == alert.Id);
    }
}
