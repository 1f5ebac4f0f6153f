using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Tests;

public sealed class StagedRecordLinkingTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    [Fact]
    public async Task A_staged_Stripe_customer_with_an_email_becomes_a_client_readable_at_GET_api_clients_id()
    {
        var workspace = StagedRecords.NewWorkspace();
        var staged = StagedRecords.StripeCustomer(workspace, " Ana.Souza@Example.COM ", "cus_NffrFeUfNV2Hib", "Ana Souza");

        await service.PublishAsync(staged);

        var update = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace);
        Assert.Equal(staged.CorrelationId, update.CorrelationId);
        Assert.Equal(1, update.Version);
        Assert.Equal("ana.souza@example.com", update.PrimaryEmail);
        Assert.Equal(1, update.RecordCount);
        Assert.Equal(
            [new Identifier("stripe_customer_id", "cus_NffrFeUfNV2Hib"), new Identifier("email", "ana.souza@example.com")],
            update.Identifiers);

        var link = await service.RecordLinks.WaitForAsync(l => l.WorkspaceId == workspace);
        Assert.Equal(update.ClientId, link.ClientId);
        Assert.Equal(staged.RawRecordId, link.RawRecordId);

        var client = await service.GetJsonAsync<ClientDto>($"/api/clients/{update.ClientId}");
        Assert.Equal(workspace, client.WorkspaceId);
        Assert.Equal("person", client.Kind);
        Assert.Equal("Ana Souza", client.DisplayName);
        Assert.Equal("ana.souza@example.com", client.PrimaryEmail);
        Assert.Equal(1, client.Version);
        Assert.Equal(
            [new IdentifierDto("stripe_customer_id", "cus_NffrFeUfNV2Hib"), new IdentifierDto("email", "ana.souza@example.com")],
            client.Identifiers);
        var record = Assert.Single(client.Records);
        Assert.Equal(("stripe", "contact", "cus_NffrFeUfNV2Hib", staged.RawRecordId),
            (record.Source, record.EntityType, record.ExternalId, record.RawRecordId));
    }

    [Fact]
    public async Task Two_records_with_the_same_email_in_different_case_and_spacing_make_one_client_at_version_2()
    {
        var workspace = StagedRecords.NewWorkspace();

        await Task.WhenAll(
            service.PublishAsync(StagedRecords.StripeCustomer(workspace, "  Bia.Lima@Example.com", "cus_bia", "Bia Lima")),
            service.PublishAsync(StagedRecords.HotmartPurchase(workspace, "bia.lima@EXAMPLE.COM  ", "Beatriz", "Lima")));

        var update = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && u.Version == 2);
        Assert.Equal(2, update.RecordCount);
        Assert.All(service.ClientUpdates.Received.Where(u => u.WorkspaceId == workspace), u => Assert.Equal(update.ClientId, u.ClientId));

        var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&email=BIA.LIMA@example.com");
        var summary = Assert.Single(page.Items);
        Assert.Equal(1, page.Total);
        Assert.Equal(update.ClientId, summary.Id);
        Assert.Equal(2, summary.Version);

        var client = await service.GetJsonAsync<ClientDto>($"/api/clients/{update.ClientId}");
        Assert.Equal(2, client.Records.Count);
        Assert.Single(client.Identifiers, i => i.Kind == "email" && i.Value == "bia.lima@example.com");
    }

    [Fact]
    public async Task Replaying_the_same_RawRecordStaged_changes_nothing_and_publishes_ClientUpdated_again()
    {
        var workspace = StagedRecords.NewWorkspace();
        var staged = StagedRecords.StripeCustomer(workspace, "caio@example.com", "cus_caio", "Caio Prado");
        await service.PublishAsync(staged);
        var first = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace);
        var before = await service.GetJsonAsync<ClientDto>($"/api/clients/{first.ClientId}");

        await service.PublishAsync(staged);

        await Eventually.HoldsAsync(
            () => service.ClientUpdates.Received.Count(u => u.WorkspaceId == workspace) == 2,
            "the replay publishes ClientUpdated again");
        Assert.All(service.ClientUpdates.Received.Where(u => u.WorkspaceId == workspace), u =>
        {
            Assert.Equal(first.ClientId, u.ClientId);
            Assert.Equal(1, u.Version);
            Assert.Equal(1, u.RecordCount);
        });
        var after = await service.GetJsonAsync<ClientDto>($"/api/clients/{first.ClientId}");
        Assert.Equal(before, after with { Identifiers = before.Identifiers, Records = before.Records });
        Assert.Equal(before.Identifiers, after.Identifiers);
        Assert.Equal(before.Records, after.Records);
        Assert.Equal(1, await service.CountAsync(
            """select count(*) from "identity-resolution".client_records where workspace_id = @workspace""", workspace));
    }

    [Fact]
    public async Task A_record_without_email_or_stripe_id_is_skipped_and_makes_no_client()
    {
        var workspace = StagedRecords.NewWorkspace();
        var staged = StagedRecords.Staged(workspace, "manychat", EntityType.Contact, "mc-991",
            [new Identifier(IdentifierKinds.Phone, "+55 11 99999-0000"), new Identifier(IdentifierKinds.Email, "   ")]);

        await service.PublishAsync(staged);

        await Eventually.HoldsAsync(
            async () => await service.CountAsync(
                """select count(*) from "identity-resolution".skipped_records where workspace_id = @workspace""", workspace) == 1,
            "the record is recorded as skipped");
        var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}");
        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
        Assert.DoesNotContain(service.ClientUpdates.Received, u => u.WorkspaceId == workspace);
    }

    [Fact]
    public async Task The_same_email_in_two_workspaces_gives_two_clients()
    {
        var first = StagedRecords.NewWorkspace();
        var second = StagedRecords.NewWorkspace();

        await service.PublishAsync(StagedRecords.StripeCustomer(first, "duda@example.com", "cus_duda1"));
        await service.PublishAsync(StagedRecords.StripeCustomer(second, "duda@example.com", "cus_duda2"));

        var inFirst = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == first);
        var inSecond = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == second);
        Assert.NotEqual(inFirst.ClientId, inSecond.ClientId);
        Assert.Equal(1, inSecond.Version);
        foreach (var workspace in new[] { first, second })
        {
            var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&email=duda@example.com");
            Assert.Equal(workspace, Assert.Single(page.Items).WorkspaceId);
        }
    }

    [Fact]
    public async Task Twenty_records_with_the_same_new_email_published_at_once_end_in_exactly_one_client()
    {
        var workspace = StagedRecords.NewWorkspace();
        var records = Enumerable.Range(0, 20)
            .Select(i => i % 2 == 0
                ? StagedRecords.HotmartPurchase(workspace, $" Eva.Reis@Example.com{new string(' ', i % 3)}", "Eva", "Reis")
                : StagedRecords.Staged(workspace, "csv", EntityType.Contact, $"row-{i}", [new Identifier(IdentifierKinds.Email, "EVA.REIS@example.com")]))
            .ToList();

        await Task.WhenAll(records.Select(service.PublishAsync));

        await Eventually.HoldsAsync(
            () => service.ClientUpdates.Received.Count(u => u.WorkspaceId == workspace) == 20,
            "every record is linked", TimeSpan.FromSeconds(60));
        var updates = service.ClientUpdates.Received.Where(u => u.WorkspaceId == workspace).ToList();
        var clientId = Assert.Single(updates.Select(u => u.ClientId).Distinct());
        // One commit per record, each with its own version: no link was lost or applied twice.
        Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), updates.Select(u => u.Version).Order());

        var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}");
        Assert.Equal(clientId, Assert.Single(page.Items).Id);
        var client = await service.GetJsonAsync<ClientDto>($"/api/clients/{clientId}");
        Assert.Equal(20, client.Version);
        Assert.Equal(20, client.Records.Count);
        Assert.Equal([new IdentifierDto("email", "eva.reis@example.com")], client.Identifiers);
    }

    [Fact]
    public async Task A_record_whose_identifiers_belong_to_two_clients_joins_the_oldest_without_merging()
    {
        var workspace = StagedRecords.NewWorkspace();
        await service.PublishAsync(StagedRecords.StripeCustomer(workspace, "fabio@example.com", stripeCustomerId: null, "Fabio"));
        var older = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace);
        await service.PublishAsync(StagedRecords.StripeCustomer(workspace, email: null, "cus_fabio"));
        var newer = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && u.ClientId != older.ClientId);

        await service.PublishAsync(StagedRecords.StripeCustomer(workspace, "fabio@example.com", "cus_fabio"));

        var update = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && u.Version == 2);
        Assert.Equal(older.ClientId, update.ClientId);
        Assert.Equal([new Identifier("email", "fabio@example.com")], update.Identifiers);
        var untouched = await service.GetJsonAsync<ClientDto>($"/api/clients/{newer.ClientId}");
        Assert.Equal(1, untouched.Version);
        Assert.Single(untouched.Records);
        var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}");
        Assert.Equal(2, page.Total);
    }
}
