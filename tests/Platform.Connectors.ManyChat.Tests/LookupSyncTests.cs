using MassTransit;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.ManyChat.Tests;

public sealed class LookupSyncTests(ManyChatConnectorFixture fixture) : IClassFixture<ManyChatConnectorFixture>
{
    private static readonly string[] LeadTag = ["Lead"];

    [Fact]
    public async Task The_lookup_sync_finds_the_manychat_subscribers_of_clients_that_came_from_hotmart()
    {
        const string Workspace = ManyChatConnectorFixture.LookupWorkspace;
        await fixture.AddSubscriberAsync("1001", new { id = "sub-email", firstName = "Marta", lastName = "Nunes", email = "marta.nunes@example.com", phone = "+5521999990001", tags = LeadTag });
        await fixture.AddSubscriberAsync("1001", new { id = "sub-phone", firstName = "Rui", lastName = "Prado", phone = "+5531988887777" });

        // As identity resolution announces clients that came from Hotmart purchases.
        var byEmail = Guid.NewGuid();
        var byPhone = Guid.NewGuid();
        var nobody = Guid.NewGuid();
        await PublishClientAsync(Workspace, byEmail, "marta.nunes@example.com", null, new Identifier(IdentifierKinds.HotmartBuyerId, "hb-1"));
        await PublishClientAsync(Workspace, byPhone, null, "+5531988887777", new Identifier(IdentifierKinds.HotmartBuyerId, "hb-2"));
        await PublishClientAsync(Workspace, nobody, "ninguem@example.com", "+5511900000000", new Identifier(IdentifierKinds.HotmartBuyerId, "hb-3"));
        await WaitUntilAsync(async () => await fixture.CountAsync("select count(*) from manychat_clients where workspace_id = @ws", ("ws", Workspace)) == 3);

        var run = NewId.NextGuid();
        var endpoint = await fixture.Staged.Bus.GetSendEndpoint(ConnectorQueues.For("manychat"));
        await endpoint.Send(new StartSync { WorkspaceId = Workspace, CorrelationId = run, SyncRunId = run, Source = "manychat", Mode = SyncMode.Full, Streams = ["subscribers"] });
        var done = await fixture.Completed.WaitForAsync(c => c.SyncRunId == run, TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(fixture.Failed.Received, f => f.SyncRunId == run);
        var stream = Assert.Single(done.Streams);
        Assert.Equal(3, stream.RecordsFetched);
        Assert.Equal(2, stream.RecordsStaged);

        var marta = await fixture.Staged.WaitForAsync(m => m.WorkspaceId == Workspace && m.Record.ExternalId == "sub-email");
        Assert.Equal("manychat", marta.Source);
        Assert.Contains(new Identifier(IdentifierKinds.ManychatSubscriberId, "sub-email"), marta.Record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "marta.nunes@example.com"), marta.Record.Identifiers);
        Assert.Equal("Lead", marta.Record.Attributes["manychat.tags"]);
        var rui = await fixture.Staged.WaitForAsync(m => m.WorkspaceId == Workspace && m.Record.ExternalId == "sub-phone");
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "+5531988887777"), rui.Record.Identifiers);
        Assert.Equal("Rui", rui.Record.Person!.FirstName);
    }

    private async Task PublishClientAsync(string workspace, Guid client, string? email, string? phone, params Identifier[] more)
    {
        var identifiers = more.ToList();
        if (email is not null)
        {
            identifiers.Add(new Identifier(IdentifierKinds.Email, email));
        }
        if (phone is not null)
        {
            identifiers.Add(new Identifier(IdentifierKinds.Phone, phone));
        }
        await fixture.Staged.Bus.Publish(new ClientUpdated
        {
            WorkspaceId = workspace,
            CorrelationId = Guid.NewGuid(),
            ClientId = client,
            Version = 1,
            Kind = "person",
            PrimaryEmail = email,
            PrimaryPhone = phone,
            Identifiers = identifiers,
            RecordCount = 1,
            UpdatedAt = DateTimeOffset.UtcNow,
        });
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in 30 s");
            }
            await Task.Delay(100);
        }
    }
}
