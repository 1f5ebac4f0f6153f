using Platform.Testing;
using System.Net;
using System.Net.Http.Json;
using Platform.Contracts.Records;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

public sealed class SplitTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    private static readonly long[] UnknownRecord = [987654321L];
    private static readonly long[] FirstRecord = [1L];

    /// <summary>Three records of one client through one email; the CSV row is really someone else.</summary>
    private async Task<(string Workspace, ClientDto Client, long Row)> ClientOfThreeAsync()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 3,
            Record(workspace, "stripe", EntityType.Contact, "cus_j", "stripe_customer_id:cus_j", "email:julia@example.com"),
            Record(workspace, "hotmart", EntityType.Purchase, "HP-j", "email:julia@example.com"),
            Record(workspace, "csv", EntityType.Contact, "row-j", "email:julia@example.com", "phone:(11) 97777-6666"));
        var client = await service.ClientAsync(Assert.Single(await service.ClientsAsync(workspace)).Id);
        return (workspace, client, client.Records.Single(r => r.Source == "csv").Id);
    }

    [Fact]
    public async Task Splitting_a_record_out_moves_it_to_a_new_client_and_the_split_survives_a_recompute()
    {
        var (workspace, client, row) = await ClientOfThreeAsync();

        var result = await service.PostJsonAsync<OperatorActionDto>($"/api/clients/{client.Id}/split", new { recordIds = new[] { row }, note = "a homonym" });

        Assert.Equal(client.Id, result.ClientIds[0]);
        var moved = result.ClientIds[1];
        var split = await service.Splits.WaitForAsync(s => s.WorkspaceId == workspace);
        Assert.Equal((client.Id, "row-j", moved), (split.ClientId, Assert.Single(split.Moves).ExternalId, split.Moves[0].ToClientId));
        Assert.Equal(2, (await service.ClientAsync(client.Id)).RecordCount);
        var linked = await service.RecordLinks.WaitForAsync(l => l.WorkspaceId == workspace && l.ClientId == moved);
        Assert.Equal("row-j", linked.Record.ExternalId);

        // A new version of the CSV row and a new record with the shared email recompute the component: the
        // stored split decision is applied again.
        await service.PublishAndSettleAsync(workspace, 4,
            Record(workspace, "csv", EntityType.Contact, "row-j", "email:julia@example.com", "phone:(11) 97777-6666"),
            Record(workspace, "stripe", EntityType.Charge, "ch_j", "stripe_customer_id:cus_j", "email:julia@example.com"));
        await Eventually.HoldsAsync(async () => (await service.ClientAsync(client.Id)).RecordCount == 3, "the charge joins the Stripe client");
        Assert.Equal(moved, (await service.RecordAsync(workspace, "csv", "row-j")).ClientId);
        Assert.Equal(2, (await service.ClientsAsync(workspace)).Count);
    }

    [Fact]
    public async Task A_split_client_can_be_merged_back_and_the_split_decision_is_superseded()
    {
        var (workspace, client, row) = await ClientOfThreeAsync();
        var split = await service.PostJsonAsync<OperatorActionDto>($"/api/clients/{client.Id}/split", new { recordIds = new[] { row } });

        var merge = await service.PostJsonAsync<OperatorActionDto>($"/api/clients/{client.Id}/merge", new { clientIds = new[] { split.ClientIds[1] } });

        Assert.Equal([client.Id], merge.ClientIds);
        var merged = await service.Merges.WaitForAsync(m => m.WorkspaceId == workspace);
        Assert.Equal((client.Id, split.ClientIds[1]), (merged.SurvivorClientId, Assert.Single(merged.MergedClientIds)));
        Assert.Equal(3, (await service.ClientAsync(client.Id)).RecordCount);
        var decisions = (await service.GetJsonAsync<PageDto<DecisionDto>>($"/api/identity/decisions?workspaceId={workspace}")).Items;
        Assert.Equal(merge.DecisionId, decisions.Single(d => d.Kind == "split").SupersededById);
        var update = await service.ClientUpdates.WaitForAsync(u => u.ClientId == client.Id && u.RecordCount == 3 && u.Version > client.Version + 1);
        Assert.True(update.Version > client.Version);
    }

    [Fact]
    public async Task Each_decision_records_the_operator_who_made_it()
    {
        var (workspace, client, row) = await ClientOfThreeAsync();

        using var split = new HttpRequestMessage(HttpMethod.Post, $"/api/clients/{client.Id}/split") { Content = JsonContent.Create(new { recordIds = new[] { row } }) };
        split.Headers.Add("X-Operator", "ana.ops");
        using var splitResponse = await service.Http.SendAsync(split);
        var splitResult = (await splitResponse.Content.ReadFromJsonAsync<OperatorActionDto>())!;
        using var merge = new HttpRequestMessage(HttpMethod.Post, $"/api/clients/{client.Id}/merge") { Content = JsonContent.Create(new { clientIds = new[] { splitResult.ClientIds[1] } }) };
        merge.Headers.Add("X-Operator", "bruno.ops");
        using var mergeResponse = await service.Http.SendAsync(merge);

        Assert.True(mergeResponse.IsSuccessStatusCode, await mergeResponse.Content.ReadAsStringAsync());
        var decisions = (await service.GetJsonAsync<PageDto<DecisionDto>>($"/api/identity/decisions?workspaceId={workspace}")).Items;
        Assert.Equal("ana.ops", decisions.Single(d => d.Kind == "split").DecidedBy);
        Assert.Equal("bruno.ops", decisions.Single(d => d.Kind == "merge").DecidedBy);
    }

    [Fact]
    public async Task A_split_naming_records_of_another_client_or_every_record_is_refused_with_a_problem()
    {
        var (_, client, _) = await ClientOfThreeAsync();

        using var foreign = await service.Http.PostAsJsonAsync($"/api/clients/{client.Id}/split", new { recordIds = UnknownRecord });
        using var all = await service.Http.PostAsJsonAsync($"/api/clients/{client.Id}/split", new { recordIds = client.Records.Select(r => r.Id) });
        using var none = await service.Http.PostAsJsonAsync($"/api/clients/{client.Id}/split", new { recordIds = Array.Empty<long>() });
        using var unknown = await service.Http.PostAsJsonAsync($"/api/clients/{Guid.NewGuid()}/split", new { recordIds = FirstRecord });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound),
            (foreign.StatusCode, all.StatusCode, none.StatusCode, unknown.StatusCode));
        Assert.Contains("987654321", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, (await service.ClientAsync(client.Id)).RecordCount);
    }

    [Fact]
    public async Task Clients_of_two_workspaces_are_never_merged()
    {
        var (_, client, _) = await ClientOfThreeAsync();
        var (_, other, _) = await ClientOfThreeAsync();

        using var response = await service.Http.PostAsJsonAsync($"/api/clients/{client.Id}/merge", new { clientIds = new[] { other.Id } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("never merge across workspaces", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, (await service.ClientAsync(other.Id)).RecordCount);
    }
}
