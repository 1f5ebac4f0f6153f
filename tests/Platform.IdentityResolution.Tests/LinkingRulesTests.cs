using Platform.Testing;
using System.Net;
using Platform.Contracts.Records;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

public sealed class LinkingRulesTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    private static readonly string[] ManychatOnly = ["manychat"];

    [Fact]
    public async Task A_person_with_two_emails_under_one_Stripe_customer_is_one_client_and_a_later_record_with_either_email_joins_it()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 2,
            Record(workspace, "stripe", EntityType.Contact, "cus_ana", "stripe_customer_id:cus_ana", "email:ana@gmail.com"),
            Record(workspace, "stripe", EntityType.Charge, "ch_1", "stripe_customer_id:cus_ana", "email:ana.souza@empresa.com.br"));
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "hotmart", EntityType.Purchase, "HP-1", "email:ANA@gmail.com", "phone:(11) 98765-4321"),
            Record(workspace, "ploomes", EntityType.Contact, "PL-1", "email:ana.souza@empresa.com.br", "ploomes_contact_id:1"));

        var client = Assert.Single(await service.ClientsAsync(workspace));
        Assert.Equal(4, client.RecordCount);
        var read = await service.ClientAsync(client.Id);
        Assert.Equal(["ana.souza@empresa.com.br", "ana@gmail.com"], read.Identifiers.Where(i => i.Kind == "email").Select(i => i.Value));
        Assert.Empty((await service.GetJsonAsync<PageDto<ConflictDto>>($"/api/conflicts?workspaceId={workspace}")).Items);
    }

    [Fact]
    public async Task Records_with_the_same_CPF_in_any_mask_are_one_client_and_an_invalid_CPF_is_kept_but_never_links()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "ploomes", EntityType.Contact, "PL-1", "cpf:529.982.247-25", "email:joao@example.com"),
            Record(workspace, "hotmart", EntityType.Purchase, "HP-1", "cpf:52998224725"),
            Record(workspace, "ploomes", EntityType.Contact, "PL-2", "cpf:987.654.321-01", "email:maria@example.com"),
            Record(workspace, "hotmart", EntityType.Purchase, "HP-2", "cpf:98765432101"));

        Assert.Equal((await service.RecordAsync(workspace, "ploomes", "PL-1")).ClientId, (await service.RecordAsync(workspace, "hotmart", "HP-1")).ClientId);
        var maria = await service.ClientAsync((await service.RecordAsync(workspace, "ploomes", "PL-2")).ClientId!.Value);
        Assert.Equal(1, maria.RecordCount);
        Assert.Equal("987.654.321-01", Assert.Single(maria.Records.Single().UnusableIdentifiers).Value);
        Assert.Null((await service.RecordAsync(workspace, "hotmart", "HP-2")).ClientId);
        var joao = await service.GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspace}&document=529.982.247-25");
        Assert.Equal("52998224725", Assert.Single(joao.Items).Document);
    }

    [Fact]
    public async Task A_CNPJ_never_merges_people_but_links_the_records_of_the_company()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "ploomes", EntityType.Contact, "PL-joao", "cpf:529.982.247-25", "cnpj:11.222.333/0001-81"),
            Record(workspace, "ploomes", EntityType.Contact, "PL-maria", "cpf:111.444.777-35", "cnpj:11222333000181"),
            Staged(workspace, "ploomes", EntityType.Company, "PL-acme", [new("cnpj", "11.222.333/0001-81"), new("ploomes_contact_id", "PL-acme")],
                company: new CompanyFields { Name = "Acme Ltda" }),
            Record(workspace, "hotmart", EntityType.Purchase, "HP-acme", "cnpj:11222333000181", "email:compras@acme.com.br"));

        var clients = await service.ClientsAsync(workspace);
        Assert.Equal(3, clients.Count);
        var company = Assert.Single(clients, c => c.Kind == "company");
        Assert.Equal(("Acme Ltda", 2, "11222333000181"), (company.DisplayName, company.RecordCount, company.Document));
        Assert.Equal(2, clients.Count(c => c.Kind == "person" && c.RecordCount == 1));
    }

    [Fact]
    public async Task An_enrichment_waits_until_a_client_with_its_identifier_appears_and_then_attaches_to_it()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 1, Record(workspace, "sgt", EntityType.Enrichment, "lead-7", "email:carla@example.com", "sgt_lead_id:7"));

        var waiting = await service.GetJsonAsync<SkippedRecordsDto>($"/api/identity/skipped-records?workspaceId={workspace}&status=waiting");
        Assert.Equal("lead-7", Assert.Single(waiting.Items).ExternalId);
        Assert.Empty(await service.ClientsAsync(workspace));

        await service.PublishAndSettleAsync(workspace, 2, Record(workspace, "hotmart", EntityType.Purchase, "HP-carla", "email:Carla@Example.com"));

        var client = Assert.Single(await service.ClientsAsync(workspace));
        Assert.Equal(2, client.RecordCount);
        var linked = await service.RecordLinks.WaitForAsync(l => l.WorkspaceId == workspace && l.Record.ExternalId == "lead-7");
        Assert.Equal(client.Id, linked.ClientId);
        Assert.Equal(0, (await service.GetJsonAsync<StatsDto>($"/api/identity/stats?workspaceId={workspace}")).Waiting);
    }

    [Fact]
    public async Task Source_id_only_records_are_skipped_unless_the_workspace_allows_their_source_and_a_deal_joins_its_contact_by_source_id()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 2,
            Record(workspace, "manychat", EntityType.Contact, "mc-1", "manychat_subscriber_id:mc-1"),
            Record(workspace, "ploomes", EntityType.Deal, "deal-1", "ploomes_contact_id:77"));
        Assert.Equal(2, (await service.GetJsonAsync<StatsDto>($"/api/identity/stats?workspaceId={workspace}")).Skipped);

        await service.PutSettingsAsync(workspace, new { sourceIdOnlySources = ManychatOnly });
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "manychat", EntityType.Contact, "mc-2", "manychat_subscriber_id:mc-2"),
            Record(workspace, "ploomes", EntityType.Contact, "PL-77", "ploomes_contact_id:77", "email:davi@example.com"));

        Assert.NotNull((await service.RecordAsync(workspace, "manychat", "mc-2")).ClientId);
        var davi = (await service.RecordAsync(workspace, "ploomes", "PL-77")).ClientId;
        Assert.Equal(davi, (await service.RecordAsync(workspace, "ploomes", "deal-1")).ClientId);
    }

    [Fact]
    public async Task The_golden_record_takes_each_field_from_its_preferred_source_and_remembers_the_record()
    {
        var workspace = NewWorkspace();
        var older = DateTimeOffset.UtcNow.AddDays(-3);
        await service.PublishAndSettleAsync(workspace, 3,
            Staged(workspace, "stripe", EntityType.Contact, "cus_e", [new("stripe_customer_id", "cus_e"), new("email", "edu@example.com")],
                new PersonFields { FullName = "EDU M", City = "Campinas", Country = "br" }),
            Staged(workspace, "ploomes", EntityType.Contact, "PL-e", [new("email", "edu@example.com"), new("phone", "(19) 99876-5432")],
                new PersonFields { FullName = "Eduardo Martins", FirstName = "Eduardo", LastName = "Martins" }, sourceUpdatedAt: older),
            Staged(workspace, "hotmart", EntityType.Purchase, "HP-e", [new("email", "edu@example.com")],
                new PersonFields { FullName = "Edu Martins", City = "Valinhos" }));

        var client = await service.ClientAsync(Assert.Single(await service.ClientsAsync(workspace)).Id);
        var ploomes = (await service.RecordAsync(workspace, "ploomes", "PL-e")).RecordId;
        Assert.Equal(("Eduardo Martins", ploomes), (client.DisplayName, client.Fields["name"].RecordId));
        Assert.Equal(("Valinhos", "hotmart"), (client.Fields["city"].Value, client.Fields["city"].Source));
        Assert.Equal(("BR", "+5519998765432", "stripe"), (client.Fields["country"].Value, client.PrimaryPhone, client.Fields["email"].Source));
        var update = await service.ClientUpdates.WaitForAsync(u => u.ClientId == client.Id && u.Version == client.Version);
        Assert.Equal(("Eduardo", "Martins", "Valinhos"), (update.FirstName, update.LastName, update.City));
    }

    [Fact]
    public async Task A_newer_version_of_a_record_replaces_its_identifiers_and_an_older_one_arriving_late_changes_nothing()
    {
        var workspace = NewWorkspace();
        var now = DateTimeOffset.UtcNow;
        await service.PublishAndSettleAsync(workspace, 2,
            Staged(workspace, "stripe", EntityType.Contact, "cus_f", [new("stripe_customer_id", "cus_f"), new("email", "fe@example.com")]),
            Staged(workspace, "ploomes", EntityType.Contact, "PL-f", [new("email", "fe@example.com")], sourceUpdatedAt: now));
        var together = (await service.RecordAsync(workspace, "stripe", "cus_f")).ClientId;
        Assert.Equal(together, (await service.RecordAsync(workspace, "ploomes", "PL-f")).ClientId);

        // The Ploomes contact was corrected to another person's address: it leaves the client.
        await service.PublishAsync(Staged(workspace, "ploomes", EntityType.Contact, "PL-f", [new("email", "gil@example.com")], sourceUpdatedAt: now.AddMinutes(5)));
        var split = await service.Splits.WaitForAsync(s => s.WorkspaceId == workspace);
        Assert.Equal(("PL-f", together), (Assert.Single(split.Moves).ExternalId, split.ClientId));
        var moved = (await service.RecordAsync(workspace, "ploomes", "PL-f")).ClientId;
        Assert.NotEqual(together, moved);

        await service.PublishAsync(Staged(workspace, "ploomes", EntityType.Contact, "PL-f", [new("email", "fe@example.com")], sourceUpdatedAt: now.AddMinutes(1)));
        await Eventually.HoldsAsync(() => service.RecordLinks.Received.Count(l => l.WorkspaceId == workspace && l.Record.ExternalId == "PL-f") >= 3,
            "the late version is answered with the current state");
        Assert.Equal(moved, (await service.RecordAsync(workspace, "ploomes", "PL-f")).ClientId);
        Assert.Equal(2, (await service.ClientsAsync(workspace)).Count);
    }

    [Fact]
    public async Task Explain_shows_the_chain_of_shared_values_between_two_records_of_a_client_and_why_others_are_apart()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "stripe", EntityType.Contact, "cus_h", "stripe_customer_id:cus_h", "email:helena@example.com"),
            Record(workspace, "stripe", EntityType.Invoice, "in_1", "stripe_customer_id:cus_h", "email:helena@work.com"),
            Record(workspace, "hotmart", EntityType.Purchase, "HP-h", "email:helena@work.com", "phone:(21) 99876-5432"),
            Record(workspace, "csv", EntityType.Contact, "row-i", "email:igor@example.com", "phone:21998765432"));
        var first = (await service.RecordAsync(workspace, "stripe", "cus_h")).RecordId;
        var purchase = (await service.RecordAsync(workspace, "hotmart", "HP-h")).RecordId;
        var igor = (await service.RecordAsync(workspace, "csv", "row-i")).RecordId;

        var together = await service.GetJsonAsync<ExplainDto>($"/api/identity/explain?workspaceId={workspace}&recordA={first}&recordB={purchase}");
        var apart = await service.GetJsonAsync<ExplainDto>($"/api/identity/explain?workspaceId={workspace}&recordA={first}&recordB={igor}");
        using var missing = await service.Http.GetAsync(new Uri($"/api/identity/explain?workspaceId={workspace}&recordA={first}", UriKind.Relative));

        Assert.True(together.Together);
        Assert.Equal(["stripe_customer_id cus_h", "email helena@work.com"], together.Chain.Select(s => $"{s.Kind} {s.Value}"));
        Assert.Equal((first, purchase), (together.Chain[0].From.Id, together.Chain[^1].To.Id));
        Assert.False(apart.Together);
        Assert.Equal("phone +5521998765432", apart.Chain[^1].Kind + " " + apart.Chain[^1].Value);
        Assert.Contains(apart.Refusals, r => r.Kind == "phone" && r.Rule.StartsWith("email limit 1", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }
}
