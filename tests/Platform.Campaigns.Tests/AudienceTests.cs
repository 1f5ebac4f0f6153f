using System.Net;
using System.Text.Json;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using static Platform.Campaigns.Tests.CampaignsFixture;

namespace Platform.Campaigns.Tests;

[Collection(CampaignsHost.Name)]
public sealed class AudienceTests(CampaignsFixture service)
{
    private sealed record Size(long Total, long WithEmail, long WithPhone, long WithWhatsapp, long WithManyChat);

    [Fact]
    public async Task An_audience_of_high_churn_risk_customers_with_an_email_counts_exactly_them_before_launch()
    {
        var workspace = NewWorkspace();
        var (slipping, gone, steady, noEmail, lead) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await service.SeedAsync(workspace,
        [
            // Monthly buyer silent for 100 days: more than three times its rhythm.
            .. Person(workspace, slipping, "slipping@example.com", purchases: 6, everyDays: 30, lastDaysAgo: 100),
            // One purchase 400 days ago (rhythm assumed 90 days).
            .. Person(workspace, gone, "gone@example.com", purchases: 1, lastDaysAgo: 400),
            .. Person(workspace, steady, "steady@example.com", purchases: 6, everyDays: 30, lastDaysAgo: 10),
            .. Person(workspace, noEmail, null, purchases: 6, everyDays: 30, lastDaysAgo: 100),
            .. Person(workspace, lead, "lead@example.com"),
        ]);

        var highRisk = await service.PostJsonAsync($"/api/audiences/preview?workspaceId={workspace}",
            new { churnRisk = new[] { "high" }, hasEmail = true }, HttpStatusCode.OK);
        Assert.Equal(2, highRisk.GetProperty("total").GetInt64());

        var saved = await service.PostJsonAsync($"/api/audiences?workspaceId={workspace}",
            new { name = "Alto risco com email", definition = new { churnRisk = new[] { "high" }, hasEmail = true } }, HttpStatusCode.Created);
        var id = saved.GetProperty("id").GetGuid();
        var size = await service.GetJsonAsync<Size>($"/api/audiences/{id}/size?workspaceId={workspace}");
        Assert.Equal(new Size(2, 2, 0, 0, 0), size);

        // Segments come from the same rule as customer_360: leads, at risk, active.
        var leads = await service.PostJsonAsync($"/api/audiences/preview?workspaceId={workspace}", new { segments = new[] { "lead" } }, HttpStatusCode.OK);
        Assert.Equal(1, leads.GetProperty("total").GetInt64());
        var active = await service.PostJsonAsync($"/api/audiences/preview?workspaceId={workspace}", new { segments = new[] { "active" } }, HttpStatusCode.OK);
        Assert.Equal(1, active.GetProperty("total").GetInt64());
        var lastPurchaseLongAgo = await service.PostJsonAsync($"/api/audiences/preview?workspaceId={workspace}",
            new { lastPurchaseBefore = DateTimeOffset.UtcNow.AddDays(-200), ltv = new { currency = "BRL", min = 50 } }, HttpStatusCode.OK);
        Assert.Equal(1, lastPurchaseLongAgo.GetProperty("total").GetInt64());

        // Another workspace sees none of them.
        var other = await service.PostJsonAsync($"/api/audiences/preview?workspaceId={NewWorkspace()}", new { }, HttpStatusCode.OK);
        Assert.Equal(0, other.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Target_groups_map_a_crm_name_to_a_unified_table_or_a_saved_audience()
    {
        var workspace = NewWorkspace();
        await service.SeedAsync(workspace, [.. Person(workspace, Guid.NewGuid(), "a@example.com", purchases: 2, lastDaysAgo: 5)]);
        var audience = await service.PostJsonAsync($"/api/audiences?workspaceId={workspace}",
            new { name = "Compradores", definition = new { segments = new[] { "new", "active" } } }, HttpStatusCode.Created);
        var byAudience = await service.PostJsonAsync($"/api/target-groups?workspaceId={workspace}",
            new { crmName = "Clientes ativos", audienceId = audience.GetProperty("id").GetGuid(), description = "do CRM" }, HttpStatusCode.Created);
        var byTable = await service.PostJsonAsync($"/api/target-groups?workspaceId={workspace}",
            new { crmName = "Todos", postgresTable = "customer_360" }, HttpStatusCode.Created);
        Assert.Equal(1, (await service.GetJsonAsync<Size>($"/api/target-groups/{byAudience.GetProperty("id").GetGuid()}/size?workspaceId={workspace}")).Total);
        Assert.Equal(1, (await service.GetJsonAsync<Size>($"/api/target-groups/{byTable.GetProperty("id").GetGuid()}/size?workspaceId={workspace}")).Total);

        var list = await service.GetJsonAsync<JsonElement>($"/api/target-groups?workspaceId={workspace}");
        Assert.Equal(["Clientes ativos", "Todos"], list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("crmName").GetString()).ToList());

        var duplicate = await service.PostJsonAsync($"/api/target-groups?workspaceId={workspace}",
            new { crmName = "Todos", postgresTable = "clients" }, HttpStatusCode.Conflict);
        Assert.Contains("Todos", duplicate.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var both = await service.PostJsonAsync($"/api/target-groups?workspaceId={workspace}",
            new { crmName = "X", postgresTable = "clients", audienceId = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        Assert.True(both.GetProperty("errors").TryGetProperty("postgresTable", out _));
        var unknown = await service.PostJsonAsync($"/api/target-groups?workspaceId={workspace}",
            new { crmName = "Y", postgresTable = "pg_shadow" }, HttpStatusCode.BadRequest);
        Assert.Contains("customer_360", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_requests_get_problem_details_naming_the_field()
    {
        var noWorkspace = await service.PostJsonAsync("/api/audiences/preview", new { }, HttpStatusCode.BadRequest);
        Assert.True(noWorkspace.GetProperty("errors").TryGetProperty("workspaceId", out _));

        var badRisk = await service.PostJsonAsync($"/api/audiences/preview?workspaceId={NewWorkspace()}",
            new { churnRisk = new[] { "extreme" }, ltv = new { currency = "reais", min = 10 } }, HttpStatusCode.BadRequest);
        var errors = badRisk.GetProperty("errors");
        Assert.True(errors.TryGetProperty("definition.churnRisk", out _));
        Assert.True(errors.TryGetProperty("definition.ltv.currency", out _));

        var workspace = NewWorkspace();
        var campaign = await service.PostJsonAsync($"/api/campaigns?workspaceId={workspace}", new
        {
            name = "Sem canal",
            workflowData = new
            {
                nodes = new[] { Canvas.Node("t", "trigger", new { kind = "event", @event = "birthday" }), Canvas.Node("w", "wait", new { minutes = 0 }) },
                edges = new[] { Canvas.Edge("t", "w") },
            },
        }, HttpStatusCode.Created);
        var launch = await service.PostJsonAsync($"/api/campaigns/{campaign.GetProperty("id").GetGuid()}/executions?workspaceId={workspace}", new { },
            HttpStatusCode.BadRequest);
        var detail = launch.GetProperty("detail").GetString()!;
        Assert.Contains("became_client, cart_abandoned", detail, StringComparison.Ordinal);
        Assert.Contains("positive data.minutes", detail, StringComparison.Ordinal);

        var missing = await service.Http.GetAsync(new Uri($"/api/campaigns/{Guid.NewGuid()}?workspaceId={workspace}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_link_that_cannot_be_stored_in_a_sync_runs_bulk_message_fails_alone_and_the_others_are_applied()
    {
        var workspace = NewWorkspace();
        var links = Enumerable.Range(0, 4).Select(i => new RecordLinked
        {
            WorkspaceId = workspace,
            CorrelationId = Guid.NewGuid(),
            ClientId = Guid.NewGuid(),
            ClientVersion = 1,
            RawRecordId = i + 1,
            Record = new CanonicalRecord
            {
                // PostgreSQL text cannot hold a NUL character: the third link can never be stored.
                Source = i == 2 ? "bad\u0000source" : "hotmart",
                EntityType = EntityType.Contact,
                ExternalId = $"bulk-{workspace}-{i}",
                SourceUpdatedAt = DateTimeOffset.UtcNow,
                Identifiers = [new Identifier(IdentifierKinds.Email, $"bulk{i}.{workspace}@example.com")],
            },
        }).ToList();

        await service.PublishAsync([new RecordsLinked { WorkspaceId = workspace, CorrelationId = Guid.NewGuid(), Records = links }]);

        await EventuallyAsync(async () => await service.ScalarAsync<long>(
            "select count(*) from audience_members where workspace_id = @w", ("w", workspace)) == 3, "the three good links to be applied");
        await EventuallyAsync(async () => (await service.VirtualHost.PeekAsync("campaigns-record-linked_error")).Count(b => b.Contains(workspace, StringComparison.Ordinal)) == 1,
            "the bad link alone to be parked in the error queue", TimeSpan.FromSeconds(60));
        var parked = Assert.Single(await service.VirtualHost.PeekAsync("campaigns-record-linked_error"), b => b.Contains(workspace, StringComparison.Ordinal));
        Assert.Contains($"bulk-{workspace}-2", parked, StringComparison.Ordinal);
        Assert.DoesNotContain($"bulk-{workspace}-1", parked, StringComparison.Ordinal);
    }
}
