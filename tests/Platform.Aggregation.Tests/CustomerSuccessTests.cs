using System.Text.Json;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class CustomerSuccessTests(AggregationFixture service)
{
    [Fact]
    public async Task A_won_deal_a_paid_purchase_and_a_Ploomes_client_tag_each_make_a_cs_customer_announced_once()
    {
        var workspace = NewWorkspace();
        var (dealer, buyer, tagged, prospect) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var messages = new[]
        {
            Linked(workspace, dealer, PloomesDeal("DW", "won", 1500m, T0.AddDays(2))),
            Linked(workspace, buyer, HotmartPurchase("HPW", "APPROVED", 97m, T0.AddDays(1))),
            Linked(workspace, tagged, PloomesContact("PC1", T0, isCustomer: true, "Cliente", "VIP")),
            // Neither an open deal nor a pending purchase makes a customer.
            Linked(workspace, prospect, PloomesDeal("DO", "open", 900m, T0)),
            Linked(workspace, prospect, HotmartPurchase("HPP", "WAITING_PAYMENT", 97m, T0)),
        };

        await service.PublishAndSettleAsync(workspace, messages);
        await service.PublishAndSettleAsync(workspace, messages.Select(m => m with { CorrelationId = Guid.NewGuid() }));

        var list = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}");
        Assert.Equal(3, list.Total);
        Assert.Equal(
            [(dealer, "won_deal", T0.AddDays(2)), (buyer, "paid_purchase", T0.AddDays(1)), (tagged, "source_tag", T0)],
            list.Items.Select(c => (c.ClientId, c.BecameReason, c.BecameAt)).ToList());
        Assert.All(list.Items, c => Assert.Equal("active", c.Status));
        Assert.Equal(["Cliente", "VIP"], list.Items.Single(c => c.ClientId == tagged).Tags);
        var announced = await service.BecameClients.QuietAsync(e => e.WorkspaceId == workspace);
        Assert.Equal(
            [(buyer, "paid_purchase"), (tagged, "source_tag"), (dealer, "won_deal")],
            announced.Select(e => (e.ClientId, e.Reason)).OrderBy(e => e.Reason, StringComparer.Ordinal).ToList());
        var tagFilter = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}&tag=VIP");
        Assert.Equal(tagged, Assert.Single(tagFilter.Items).ClientId);

        // The purchase is refunded: the client stays on the list, inactive, and is not announced again.
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, buyer, HotmartPurchase("HPW", "REFUNDED", 97m, T0.AddDays(9), T0.AddDays(1)))]);
        var inactive = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}&status=inactive");
        Assert.Equal(buyer, Assert.Single(inactive.Items).ClientId);
        Assert.Equal(3, (await service.BecameClients.QuietAsync(e => e.WorkspaceId == workspace)).Count);
    }

    [Fact]
    public async Task SGT_extras_and_plan_enrich_an_existing_cs_customer_on_every_sync()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, HotmartPurchase("HSG", "APPROVED", 5000m, T0))]);
        var before = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");
        Assert.Null(before.SgtLastSyncAt);
        Assert.Equal(JsonValueKind.Object, before.SgtDadosExtras.ValueKind);

        var lead = SgtLead("L1", T0.AddDays(1),
            ("tokeniza_valor_investido", "15000.50"),
            ("tokeniza_qtd_investimentos", "3"),
            ("tokeniza_projetos", """["Fazenda Sol","Edifício Aurora"]"""),
            ("irpf_perfil_investidor", "moderado"),
            ("mautic_score", "42"),
            ("mautic_tags", """["webinar","ebook"]"""),
            ("cliente_status", "ativo"),
            ("plano_atual", "Premium"),
            ("utm_source", "google"));
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, lead)]);

        var enriched = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");
        var extras = enriched.SgtDadosExtras;
        Assert.Equal(15000.50m, extras.GetProperty("tokeniza_valor_investido").GetDecimal());
        Assert.Equal(3, extras.GetProperty("tokeniza_qtd_investimentos").GetInt32());
        Assert.Equal(["Fazenda Sol", "Edifício Aurora"], extras.GetProperty("tokeniza_projetos").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.Equal("moderado", extras.GetProperty("irpf_perfil_investidor").GetString());
        Assert.False(extras.TryGetProperty("utm_source", out _));
        Assert.Equal(("Premium", "active", "paid_purchase"), (enriched.PlanoAtual, enriched.Status, enriched.BecameReason));
        Assert.Equal(["ebook", "webinar"], enriched.Tags);
        Assert.NotNull(enriched.SgtLastSyncAt);

        // The same SGT record synced again, unchanged: still enriched (the sync time moves), never skipped.
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, lead)]);
        var resynced = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");
        Assert.True(resynced.SgtLastSyncAt > enriched.SgtLastSyncAt);

        // A newer version changes the values.
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, SgtLead("L1", T0.AddDays(5),
            ("tokeniza_valor_investido", "20.000,00"), ("plano_atual", "Black"), ("cliente_status", "ativo")))]);
        var updated = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");
        Assert.Equal(20000m, updated.SgtDadosExtras.GetProperty("tokeniza_valor_investido").GetDecimal());
        Assert.Equal("Black", updated.PlanoAtual);
        Assert.False(updated.SgtDadosExtras.TryGetProperty("mautic_score", out _));
        var byPlan = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}&plano=black");
        Assert.Equal(client, Assert.Single(byPlan.Items).ClientId);
    }

    [Fact]
    public async Task An_SGT_sale_marker_makes_a_lead_a_cs_customer_and_a_running_subscription_gives_its_plan()
    {
        var workspace = NewWorkspace();
        var (sold, staged, subscriber) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, sold, SgtLead("S1", T0, ("venda_realizada", "true"))),
            Linked(workspace, staged, SgtLead("S2", T0, ("stage", "Cliente"))),
            Linked(workspace, subscriber, HotmartPurchase("HSUB", "APPROVED", 49m, T0)),
            Linked(workspace, subscriber, HotmartSubscription("SUB1", "ACTIVE", "Plano Anual", T0)),
        ]);

        var list = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}&pageSize=10");
        Assert.Equal("source_tag", list.Items.Single(c => c.ClientId == sold).BecameReason);
        Assert.Equal("source_tag", list.Items.Single(c => c.ClientId == staged).BecameReason);
        Assert.Equal("Plano Anual", list.Items.Single(c => c.ClientId == subscriber).PlanoAtual);

        // The subscription is cancelled: no current plan any more.
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, subscriber, HotmartSubscription("SUB1", "CANCELLED", "Plano Anual", T0.AddDays(30)))]);
        Assert.Null((await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{subscriber}")).PlanoAtual);
    }
}
