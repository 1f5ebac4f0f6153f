using Platform.Testing;
using System.Text.Json;
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
    public async Task Two_records_with_the_same_email_in_different_case_and_spacing_make_one_client()
    {
        var workspace = StagedRecords.NewWorkspace();

        await Task.WhenAll(
            service.PublishAsync(StagedRecords.StripeCustomer(workspace, "  Bia.Lima@Example.com", "cus_bia", "Bia Lima")),
            service.PublishAsync(StagedRecords.HotmartPurchase(workspace, "bia.lima@EXAMPLE.COM  ", "Beatriz", "Lima")));

        var update = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && u.RecordCount == 2);
        Assert.All(service.ClientUpdates.Received.Where(u => u.WorkspaceId == workspace), u => Assert.Equal(update.ClientId, u.ClientId));

        var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&email=BIA.LIMA@example.com");
        var summary = Assert.Single(page.Items);
        Assert.Equal(1, page.Total);
        Assert.Equal((update.ClientId, 2), (summary.Id, summary.RecordCount));

        var client = await service.GetJsonAsync<ClientDto>($"/api/clients/{update.ClientId}");
        Assert.Equal(2, client.Records.Count);
        Assert.Single(client.Identifiers, i => i.Kind == "email" && i.Value == "bia.lima@example.com");
        // Names come from the preferred source (Hotmart before Stripe by default), with the record they came from.
        Assert.Equal(("Beatriz Lima", "hotmart"), (client.DisplayName, client.Fields["name"].Source));
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
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(after));
        Assert.Equal(1, await service.CountAsync(
            """select count(*) from "identity-resolution".records where workspace_id = @workspace""", workspace));
    }

    [Fact]
    public async Task A_record_without_a_usable_identifier_is_skipped_makes_no_client_and_is_listed_with_its_reason()
    {
        var workspace = StagedRecords.NewWorkspace();
        var staged = StagedRecords.Staged(workspace, "gohighlevel", EntityType.Contact, "ghl-991",
            [new Identifier(IdentifierKinds.Phone, "99999-0000"), new Identifier(IdentifierKinds.Email, "   "), new Identifier(IdentifierKinds.GhlContactId, "ghl-991")]);

        await service.PublishAsync(staged);

        var stats = await service.WaitForRecordsAsync(workspace, 1);
        Assert.Equal((1, 0, 0), (stats.Skipped, stats.Linked, stats.Clients));
        var skipped = await service.GetJsonAsync<SkippedRecordsDto>($"/api/identity/skipped-records?workspaceId={workspace}");
        var record = Assert.Single(skipped.Items);
        Assert.Equal(("gohighlevel", "ghl-991", "skipped"), (record.Source, record.ExternalId, record.Status));
        Assert.Contains("source", record.Reason, StringComparison.Ordinal);
        // The phone that did not normalise is kept, with why it was not used.
        Assert.Equal("99999-0000", Assert.Single(record.UnusableIdentifiers).Value);
        Assert.Equal(1, skipped.ByReason[record.Reason!]);
        Assert.Empty(await service.ClientsAsync(workspace));
        Assert.DoesNotContain(service.ClientUpdates.Received, u => u.WorkspaceId == workspace);
        // The list reads an index of the records in no client alone: linked records (nearly all of them) pay no entry in it.
        Assert.Equal(1, await service.CountAsync("""
            select count(*) from pg_indexes where schemaname = 'identity-resolution' and indexname = 'ix_records_workspace_status'
              and indexdef like '%WHERE (status <> ''linked''::text)' and @workspace <> ''
            """, workspace));
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
            () => service.RecordLinks.Received.Count(u => u.WorkspaceId == workspace) == 20,
            "every record is linked", TimeSpan.FromSeconds(60));
        var clientId = Assert.Single(service.RecordLinks.Received.Where(l => l.WorkspaceId == workspace).Select(l => l.ClientId).Distinct());
        // Records arriving together are resolved together; every commit that changed the client has its own version.
        await Eventually.HoldsAsync(
            () => service.ClientUpdates.Received.Any(u => u.WorkspaceId == workspace && u.RecordCount == 20), "the last update arrives");
        var versions = service.ClientUpdates.Received.Where(u => u.WorkspaceId == workspace).Select(u => u.Version).ToList();
        Assert.Equal(versions.Count, versions.Distinct().Count());

        var page = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}");
        Assert.Equal(clientId, Assert.Single(page.Items).Id);
        var client = await service.GetJsonAsync<ClientDto>($"/api/clients/{clientId}");
        Assert.Equal(versions.Max(), client.Version);
        Assert.Equal(20, client.Records.Count);
        Assert.Equal([new IdentifierDto("email", "eva.reis@example.com")], client.Identifiers);
    }

    [Fact]
    public async Task A_record_whose_identifiers_belong_to_two_clients_merges_them_into_the_older_one()
    {
        var workspace = StagedRecords.NewWorkspace();
        await service.PublishAsync(StagedRecords.StripeCustomer(workspace, "fabio@example.com", stripeCustomerId: null, "Fabio"));
        var older = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace);
        await service.PublishAsync(StagedRecords.StripeCustomer(workspace, email: null, "cus_fabio"));
        var newer = await service.ClientUpdates.WaitForAsync(u => u.WorkspaceId == workspace && u.ClientId != older.ClientId);

        var bridge = StagedRecords.StripeCustomer(workspace, "fabio@example.com", "cus_fabio_2");
        await service.PublishAsync(bridge with { Record = bridge.Record with { Identifiers = [.. bridge.Record.Identifiers, new Identifier("stripe_customer_id", "cus_fabio")] } });

        var merged = await service.Merges.WaitForAsync(m => m.WorkspaceId == workspace);
        Assert.Equal(older.ClientId, merged.SurvivorClientId);
        Assert.Equal([newer.ClientId], merged.MergedClientIds);
        var survivor = await service.ClientUpdates.WaitForAsync(u => u.ClientId == older.ClientId && u.RecordCount == 3);
        Assert.Equal(merged.SurvivorVersion, survivor.Version);
        Assert.True(survivor.Version > older.Version);
        var tombstone = await service.ClientAsync(newer.ClientId);
        Assert.Equal(("merged", older.ClientId), (tombstone.Status, tombstone.MergedIntoId));
        Assert.Equal(older.ClientId, Assert.Single(await service.ClientsAsync(workspace)).Id);
    }
}
