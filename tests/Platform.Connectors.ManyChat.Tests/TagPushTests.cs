using System.Net.Http.Json;
using Platform.Connectors.ManyChat.Outbound;
using Platform.Contracts.Aggregation;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;

namespace Platform.Connectors.ManyChat.Tests;

public sealed class TagPushTests(ManyChatConnectorFixture fixture) : IClassFixture<ManyChatConnectorFixture>
{
    private const string Workspace = ManyChatConnectorFixture.TagsWorkspace;
    private static readonly string[] CompradorTag = ["Comprador"];

    [Fact]
    public async Task A_buyer_and_an_abandoned_cart_are_tagged_in_manychat_exactly_once_each_and_a_tag_already_there_is_not_re_added()
    {
        await fixture.AddSubscriberAsync("1002", new { id = "buyer-1", firstName = "Bia", email = "bia@example.com" });
        await fixture.AddSubscriberAsync("1002", new { id = "cart-1", firstName = "Caio", email = "caio@example.com" });
        await fixture.AddSubscriberAsync("1002", new { id = "vip-1", firstName = "Vera", email = "vera@example.com", tags = CompradorTag });
        var buyer = Guid.NewGuid();
        var cart = Guid.NewGuid();
        var vip = Guid.NewGuid();
        await PublishClientAsync(buyer, "buyer-1");
        await PublishClientAsync(cart, "cart-1", bulk: true);
        await PublishClientAsync(vip, "vip-1");

        // The first calls fail: the pushes are retried, not lost and not doubled.
        using (var http = fixture.SimulatorClient())
        {
            (await http.PostAsJsonAsync("_simulator/manychat/accounts/1002/faults", new { status = 503, count = 2 })).EnsureSuccessStatusCode();
        }

        // Every event twice, as a redelivery would bring it.
        for (var i = 0; i < 2; i++)
        {
            await fixture.Staged.Bus.Publish(new CustomerBecameClient
            {
                WorkspaceId = Workspace, CorrelationId = Guid.NewGuid(), ClientId = buyer, Reason = "paid_purchase", BecameAt = DateTimeOffset.UtcNow,
            });
            await fixture.Staged.Bus.Publish(new CustomerBecameClient
            {
                WorkspaceId = Workspace, CorrelationId = Guid.NewGuid(), ClientId = vip, Reason = "paid_purchase", BecameAt = DateTimeOffset.UtcNow,
            });
            // The cart arrives with a backfill's other links (RecordsLinked), a contact's among them.
            var cartLink = new RecordLinked
            {
                WorkspaceId = Workspace,
                CorrelationId = Guid.NewGuid(),
                ClientId = cart,
                ClientVersion = 2,
                RawRecordId = 77,
                Record = new CanonicalRecord
                {
                    Source = "hotmart",
                    EntityType = EntityType.Purchase,
                    ExternalId = "cart:evt-1",
                    SourceUpdatedAt = DateTimeOffset.UtcNow,
                    Identifiers = [new Identifier(IdentifierKinds.Email, "caio@example.com")],
                    Attributes = new Dictionary<string, string?> { ["status"] = "abandoned" },
                },
            };
            var contactLink = cartLink with
            {
                ClientId = buyer,
                Record = cartLink.Record with { EntityType = EntityType.Contact, ExternalId = "contact-1", Attributes = new Dictionary<string, string?>() },
            };
            await fixture.Staged.Bus.Publish(new RecordsLinked { WorkspaceId = Workspace, CorrelationId = Guid.NewGuid(), Records = [contactLink, cartLink] });
        }

        using var api = fixture.Service.CreateClient();
        List<TagPushResponse> pushes = [];
        await LookupSyncTests.WaitUntilAsync(async () =>
        {
            pushes = (await api.GetFromJsonAsync<List<TagPushResponse>>($"/api/manychat/tag-pushes?workspaceId={Workspace}"))!;
            return pushes.Count == 3 && pushes.All(p => p.Status is "pushed" or "already_present" or "failed");
        });

        var comprador = Assert.Single(pushes, p => p.ClientId == buyer);
        Assert.Equal(("Comprador", "pushed", "buyer-1"), (comprador.Tag, comprador.Status, comprador.SubscriberId));
        Assert.StartsWith("200 ", comprador.Answer, StringComparison.Ordinal);
        Assert.NotNull(comprador.PushedAt);
        var abandoned = Assert.Single(pushes, p => p.ClientId == cart);
        Assert.Equal(("Carrinho Abandonado", "pushed", "purchase_status:abandoned"), (abandoned.Tag, abandoned.Status, abandoned.Rule));
        Assert.Equal("already_present", Assert.Single(pushes, p => p.ClientId == vip).Status);

        var calls = await fixture.TagCallsAsync("1002");
        Assert.Single(calls, c => c.GetProperty("subscriberId").GetString() == "buyer-1" && c.GetProperty("tagName").GetString() == "Comprador");
        Assert.Single(calls, c => c.GetProperty("subscriberId").GetString() == "cart-1" && c.GetProperty("tagName").GetString() == "Carrinho Abandonado");
        Assert.DoesNotContain(calls, c => c.GetProperty("subscriberId").GetString() == "vip-1");
        Assert.Equal(2, calls.Length);

        using var missing = await api.GetAsync("/api/manychat/tag-pushes");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task After_a_merge_the_survivor_carries_the_merged_clients_subscriber_and_a_late_event_about_the_merged_client_tags_it_once()
    {
        const string Merging = ManyChatConnectorFixture.ActionsWorkspace;
        await fixture.AddSubscriberAsync("1003", new { id = "merge-sub", firstName = "Otto", email = "otto.old@example.com" });
        var merged = Guid.NewGuid();
        var survivor = Guid.NewGuid();
        await fixture.Staged.Bus.Publish(new ClientUpdated
        {
            WorkspaceId = Merging, CorrelationId = Guid.NewGuid(), ClientId = merged, Version = 1, Kind = "person",
            Identifiers = [new Identifier(IdentifierKinds.ManychatSubscriberId, "merge-sub")], RecordCount = 1, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await fixture.Staged.Bus.Publish(new ClientUpdated
        {
            WorkspaceId = Merging, CorrelationId = Guid.NewGuid(), ClientId = survivor, Version = 1, Kind = "person", PrimaryEmail = "otto@example.com",
            Identifiers = [new Identifier(IdentifierKinds.Email, "otto@example.com")], RecordCount = 1, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await LookupSyncTests.WaitUntilAsync(async () =>
            await fixture.CountAsync("select count(*) from manychat_clients where workspace_id = @ws", ("ws", Merging)) == 2);

        // Merged (and the merge redelivered).
        for (var i = 0; i < 2; i++)
        {
            await fixture.Staged.Bus.Publish(new ClientsMerged
            {
                WorkspaceId = Merging, CorrelationId = Guid.NewGuid(), SurvivorClientId = survivor, SurvivorVersion = 2, MergedClientIds = [merged],
                Reason = "email", MergedAt = DateTimeOffset.UtcNow,
            });
        }
        await LookupSyncTests.WaitUntilAsync(async () => await fixture.CountAsync("""
            select count(*) from manychat_clients
            where workspace_id = @ws and ((client_id = @survivor and subscriber_id = 'merge-sub' and email = 'otto@example.com' and merged_into is null)
                                          or (client_id = @merged and merged_into = @survivor))
            """, ("ws", Merging), ("survivor", survivor), ("merged", merged)) == 2);

        // A late purchase event still names the merged client: the survivor is tagged, once.
        await fixture.Staged.Bus.Publish(new CustomerBecameClient
        {
            WorkspaceId = Merging, CorrelationId = Guid.NewGuid(), ClientId = merged, Reason = "paid_purchase", BecameAt = DateTimeOffset.UtcNow,
        });
        using var api = fixture.Service.CreateClient();
        List<TagPushResponse> pushes = [];
        await LookupSyncTests.WaitUntilAsync(async () =>
        {
            pushes = (await api.GetFromJsonAsync<List<TagPushResponse>>($"/api/manychat/tag-pushes?workspaceId={Merging}"))!;
            return pushes.Count == 1 && pushes[0].Status is "pushed" or "failed";
        });
        Assert.Equal((survivor, "Comprador", "pushed", "merge-sub"), (pushes[0].ClientId, pushes[0].Tag, pushes[0].Status, pushes[0].SubscriberId));
        var call = Assert.Single(await fixture.TagCallsAsync("1003"));
        Assert.Equal(("merge-sub", "Comprador"), (call.GetProperty("subscriberId").GetString(), call.GetProperty("tagName").GetString()));
    }

    /// <summary>A client as identity resolution announces it, alone or (<paramref name="bulk"/>) with a sync run's others.</summary>
    private Task PublishClientAsync(Guid client, string subscriberId, bool bulk = false)
    {
        var updated = new ClientUpdated
        {
            WorkspaceId = Workspace,
            CorrelationId = Guid.NewGuid(),
            ClientId = client,
            Version = 3,
            Kind = "person",
            Identifiers = [new Identifier(IdentifierKinds.ManychatSubscriberId, subscriberId)],
            RecordCount = 2,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        return bulk
            ? fixture.Staged.Bus.Publish(new ClientsUpdated { WorkspaceId = Workspace, CorrelationId = Guid.NewGuid(), Clients = [updated] })
            : fixture.Staged.Bus.Publish(updated);
    }
}
