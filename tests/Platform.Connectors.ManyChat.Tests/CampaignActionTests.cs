using System.Net.Http.Json;
using Platform.Contracts.Campaigns;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Connectors.ManyChat.Tests;

public sealed class CampaignActionTests(ManyChatConnectorFixture fixture) : IClassFixture<ManyChatConnectorFixture>
{
    private const string Workspace = ManyChatConnectorFixture.ActionsWorkspace;

    private static RunManyChatAction Action(string subscriber, string? flow = null, string? tag = null, string workspace = Workspace) => new()
    {
        WorkspaceId = workspace,
        CorrelationId = Guid.NewGuid(),
        ActionId = Guid.NewGuid(),
        CampaignId = Guid.NewGuid(),
        ClientId = Guid.NewGuid(),
        SubscriberId = subscriber,
        Kind = flow is not null ? ManyChatActionKinds.SendFlow : ManyChatActionKinds.AddTag,
        FlowNs = flow,
        TagName = tag,
    };

    [Fact]
    public async Task A_campaign_step_runs_its_flow_or_adds_its_tag_once_however_often_the_command_arrives_and_every_command_is_answered()
    {
        await fixture.AddSubscriberAsync("1003", new { id = "act-1", firstName = "Lia", email = "lia@example.com" });
        await using var completed = await BusProbe<ManyChatActionCompleted>.StartAsync(fixture.VirtualHost);
        await using var failed = await BusProbe<ManyChatActionFailed>.StartAsync(fixture.VirtualHost);
        var flow = Action("act-1", flow: "content20260101000000_000001");
        var tag = Action("act-1", tag: "Webinar Março");
        var unknownSubscriber = Action("nobody-here", flow: "content20260101000000_000001");
        var unknownFlow = Action("act-1", flow: "no-such-flow");
        var noToken = Action("act-1", tag: "Lead", workspace: "mc-no-token");

        // ManyChat stumbles first: the calls are retried, not lost and not doubled.
        using (var http = fixture.SimulatorClient())
        {
            (await http.PostAsJsonAsync("_simulator/manychat/accounts/1003/faults", new { status = 503, count = 2 })).EnsureSuccessStatusCode();
        }
        var endpoint = await fixture.Staged.Bus.GetSendEndpoint(ConnectorQueues.For("manychat"));
        // Every command twice, as a redelivery or a resend by campaigns would bring it.
        foreach (var command in new[] { flow, tag, unknownSubscriber, unknownFlow, noToken, flow, tag, unknownSubscriber, unknownFlow, noToken })
        {
            await endpoint.Send(command);
        }

        // Each command is answered, the second time from what the first recorded.
        await LookupSyncTests.WaitUntilAsync(() => Task.FromResult(
            completed.Received.Count(c => c.ActionId == flow.ActionId) == 2 && completed.Received.Count(c => c.ActionId == tag.ActionId) == 2
            && new[] { unknownSubscriber, unknownFlow, noToken }.All(a => failed.Received.Count(f => f.ActionId == a.ActionId) == 2)));
        Assert.DoesNotContain(failed.Received, f => f.ActionId == flow.ActionId || f.ActionId == tag.ActionId);
        Assert.Equal(flow.CorrelationId, completed.Received.First(c => c.ActionId == flow.ActionId).CorrelationId);
        Assert.Contains("does not exist", failed.Received.First(f => f.ActionId == unknownSubscriber.ActionId).Reason, StringComparison.Ordinal);
        Assert.Contains("Flow not found", failed.Received.First(f => f.ActionId == unknownFlow.ActionId).Reason, StringComparison.Ordinal);
        Assert.Contains("no ManyChat token", failed.Received.First(f => f.ActionId == noToken.ActionId).Reason, StringComparison.Ordinal);
        Assert.All(failed.Received, f => Assert.DoesNotContain("lia@example.com", f.Reason, StringComparison.Ordinal));

        // ManyChat saw each action exactly once.
        var flows = await fixture.FlowCallsAsync("1003");
        var run = Assert.Single(flows);
        Assert.Equal(("act-1", "content20260101000000_000001"), (run.GetProperty("subscriberId").GetString(), run.GetProperty("flowNs").GetString()));
        var tags = await fixture.TagCallsAsync("1003");
        Assert.Equal("Webinar Março", Assert.Single(tags).GetProperty("tagName").GetString());
        Assert.Equal(2, await fixture.CountAsync(
            "select count(*) from manychat_actions where workspace_id = @ws and status = 'completed' and attempts = 1", ("ws", Workspace)));
    }
}
