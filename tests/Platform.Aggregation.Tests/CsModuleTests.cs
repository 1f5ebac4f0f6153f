using System.Net;
using System.Net.Http.Json;
using Platform.Contracts.Connectors;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class CsModuleTests(AggregationFixture service)
{
    private static readonly string[] SgtLead1 = ["L-1"];

    [Fact]
    public async Task A_cs_customer_shows_its_company_sgt_lead_and_total_spent_per_currency_and_filters_by_company_profile_and_sync_time()
    {
        var workspace = NewWorkspace();
        var (buyer, investor, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, buyer, HotmartPurchase("HP-1", "APPROVED", 100m, T0)),
            Linked(workspace, buyer, StripeCharge("ch_1", 40m, T0.AddDays(1))),
            Linked(workspace, buyer, SgtLead("L-1", T0, ("empresa", "Blue"), ("stage", "Lead"), ("irpf_perfil_investidor", "moderado"))),
            Linked(workspace, investor, SgtLead("L-2", T0, ("empresa", "blue"), ("venda_realizada", "true"), ("irpf_perfil_investidor", "arrojado"))),
            Linked(workspace, other, PloomesDeal("D-1", "won", 900m, T0)),
        ]);

        var one = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{buyer}");
        var byCompany = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}&company=BLUE");
        var byProfile = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}&perfil=Arrojado");
        var synced = await service.GetJsonAsync<PageDto<CsCustomerDto>>(
            $"/api/cs-customers?workspaceId={workspace}&syncedSince={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}");

        Assert.Equal("blue", one.Empresa);
        Assert.Equal(SgtLead1, one.SgtLeadIds);
        Assert.Equal(100m, one.TotalSpent["BRL"]);
        Assert.True(one.TotalSpent.ContainsKey("USD"), "a charge in USD must stay apart from the BRL purchase");
        Assert.Equal(new[] { buyer, investor }.Order(), byCompany.Items.Select(c => c.ClientId).Order());
        Assert.Equal(investor, Assert.Single(byProfile.Items).ClientId);
        Assert.Equal(new[] { buyer, investor }.Order(), synced.Items.Select(c => c.ClientId).Order());
    }

    [Fact]
    public async Task Notes_are_written_through_the_api_with_who_and_when_and_a_later_sync_keeps_them()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, SgtLead("N-1", T0, ("venda_realizada", "true"), ("mautic_score", "10")))]);

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/cs-customers/{client}/notes")
        {
            Content = JsonContent.Create(new { notasCsm = "Ligar em janeiro: quer o plano anual." }),
        };
        request.Headers.Add("X-Operator", "ana.cs");
        using var response = await service.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, SgtLead("N-1", T0.AddDays(1), ("venda_realizada", "true"), ("mautic_score", "99")))]);

        var after = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");
        Assert.Equal("Ligar em janeiro: quer o plano anual.", after.NotasCsm);
        Assert.Equal("ana.cs", after.NotasCsmUpdatedBy);
        Assert.NotNull(after.NotasCsmUpdatedAt);
        Assert.Equal(99, after.SgtDadosExtras.GetProperty("mautic_score").GetInt32());
    }

    [Fact]
    public async Task A_batch_that_changes_nothing_of_a_cs_customer_leaves_its_row_as_it_was_and_a_change_rewrites_it()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        Task<string> RowVersionAsync() => service.ScalarAsync<string>("select xmin::text from cs_customers where client_id = @c", ("c", client));
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, HotmartPurchase("HP-90", "APPROVED", 100m, T0))]);
        var first = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");
        var firstVersion = await RowVersionAsync();

        // A later purchase of the same product: the client's sales change, its customer-success row does not (same reason
        // and date, tags, plan, company, no SGT lead).
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, HotmartPurchase("HP-91", "APPROVED", 50m, T0.AddDays(3)))]);
        var unchanged = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");
        var unchangedVersion = await RowVersionAsync();

        // An SGT lead of the same client brings extras and a company: the row is rewritten.
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, client, SgtLead("L-90", T0.AddDays(4), ("empresa", "Tokeniza"), ("mautic_score", "10")))]);
        var changed = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{client}");

        Assert.Equal(150m, unchanged.TotalSpent["BRL"]);
        Assert.Equal((firstVersion, first.UpdatedAt, first.BecameAt), (unchangedVersion, unchanged.UpdatedAt, unchanged.BecameAt));
        Assert.NotEqual(firstVersion, await RowVersionAsync());
        Assert.True(changed.UpdatedAt > first.UpdatedAt, $"updated_at {changed.UpdatedAt:O} after {first.UpdatedAt:O}");
        Assert.Equal(("tokeniza", 10), (changed.Empresa, changed.SgtDadosExtras.GetProperty("mautic_score").GetInt32()));
    }

    [Fact]
    public async Task Notes_that_are_too_long_or_for_a_client_that_is_not_a_customer_are_refused_with_the_reason()
    {
        using var tooLong = await service.Http.PutAsJsonAsync($"/api/cs-customers/{Guid.NewGuid()}/notes", new { notasCsm = new string('x', 10_001) });
        using var unknown = await service.Http.PutAsJsonAsync($"/api/cs-customers/{Guid.NewGuid()}/notes", new { notasCsm = "oi" });

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("notasCsm", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_finished_sgt_sync_sets_the_sync_time_of_every_customer_with_an_sgt_lead_and_no_other()
    {
        var workspace = NewWorkspace();
        var (lead, buyer) = (Guid.NewGuid(), Guid.NewGuid());
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, lead, SgtLead("S-1", T0, ("venda_realizada", "true"))),
            Linked(workspace, buyer, HotmartPurchase("HP-S", "APPROVED", 50m, T0)),
        ]);
        var completedAt = DateTimeOffset.UtcNow.AddMinutes(5);

        await service.PublishAndSettleAsync(workspace,
        [
            new SyncCompleted { WorkspaceId = workspace, CorrelationId = Guid.NewGuid(), SyncRunId = Guid.NewGuid(), Source = "sgt", CompletedAt = completedAt },
            new SyncCompleted { WorkspaceId = workspace, CorrelationId = Guid.NewGuid(), SyncRunId = Guid.NewGuid(), Source = "hotmart", CompletedAt = completedAt.AddDays(1) },
        ]);

        var synced = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{lead}");
        var other = await service.GetJsonAsync<CsCustomerDto>($"/api/cs-customers/{buyer}");
        Assert.Equal(completedAt.ToUnixTimeMilliseconds(), synced.SgtLastSyncAt!.Value.ToUnixTimeMilliseconds());
        Assert.Null(other.SgtLastSyncAt);
    }

    [Fact]
    public async Task A_bad_sync_time_filter_is_a_400_naming_the_parameter()
    {
        using var response = await service.Http.GetAsync(new Uri($"/api/cs-customers?workspaceId={NewWorkspace()}&syncedSince=ontem", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("syncedSince", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
