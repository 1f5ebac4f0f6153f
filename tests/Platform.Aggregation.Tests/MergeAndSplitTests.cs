using System.Net;
using System.Net.Http.Json;
using Platform.Contracts.IdentityResolution;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class MergeAndSplitTests(AggregationFixture service)
{
    private static ClientsMerged Merged(string workspace, Guid survivor, params Guid[] merged) => new()
    {
        WorkspaceId = workspace,
        CorrelationId = Guid.NewGuid(),
        SurvivorClientId = survivor,
        SurvivorVersion = 5,
        MergedClientIds = merged,
        Reason = "shared email ana@example.com",
        MergedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task A_merge_of_two_clients_moves_their_sales_to_the_survivor_and_recomputes_every_total()
    {
        var workspace = NewWorkspace();
        var survivor = Guid.NewGuid();
        var merged = Guid.NewGuid();
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, survivor, HotmartPurchase("HM1", "APPROVED", 100m, T0)),
            Linked(workspace, survivor, PloomesDeal("DM1", "won", 900m, T0.AddDays(2))),
            Linked(workspace, merged, HotmartPurchase("HM2", "APPROVED", 50m, T0.AddDays(1))),
            Linked(workspace, merged, StripeCharge("ch_m", 20m, T0.AddDays(1))),
        ]);

        await service.PublishAndSettleAsync(workspace, [Merged(workspace, survivor, merged)]);

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{survivor}/sales");
        Assert.Equal(4, sales.Total);
        Assert.Equal([("BRL", 3, 1050.00m), ("USD", 1, 20.00m)], sales.Totals.Select(t => (t.Currency, t.TotalSales, t.TotalRevenue)).ToList());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from customer_sales where client_id = @c", ("c", merged)));
        Assert.Equal(4, await service.ScalarAsync<long>("select count(*) from customer_activities where client_id = @c", ("c", survivor)));
        using (var gone = await service.Http.GetAsync(new Uri($"/api/customers/{merged}/sales", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            var problem = await gone.Content.ReadFromJsonAsync<ProblemDto>();
            Assert.Contains(survivor.ToString(), problem!.Detail, StringComparison.Ordinal);
        }
        var events = await service.SalesUpdates.QuietAsync(e => e.WorkspaceId == workspace);
        Assert.Equal(1050.00m, events.Last(e => e.ClientId == survivor && e.Currency == "BRL").TotalRevenue);
        // The merged client's totals went to zero (its sales moved).
        Assert.Equal(0m, events.Last(e => e.ClientId == merged && e.Currency == "BRL").TotalRevenue);
        var view = await service.GetJsonAsync<Customer360Dto>($"/api/customers/{survivor}/360");
        // Recency counts every sale: the won deal, the two paid purchases and the charge.
        Assert.Equal(4, view.PurchaseCount);
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from customer_360 where client_id = @c", ("c", merged)));

        // A record linked to the merged client after the merge (a message that was late) lands on the survivor.
        await service.PublishAndSettleAsync(workspace, [Linked(workspace, merged, HotmartPurchase("HM3", "APPROVED", 10m, T0.AddDays(4)))]);
        var after = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{survivor}/sales");
        Assert.Equal((5, 1060.00m), (after.Total, after.Totals.Single(t => t.Currency == "BRL").TotalRevenue));
    }

    [Fact]
    public async Task A_merge_that_arrives_before_the_merged_clients_records_still_ends_with_everything_on_the_survivor()
    {
        var workspace = NewWorkspace();
        var survivor = Guid.NewGuid();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        // Chained merges in reverse order: second into first, then first into survivor, then the records.
        await service.PublishInOrderAsync(workspace, Merged(workspace, first, second), Merged(workspace, survivor, first));
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, second, HotmartPurchase("HC1", "APPROVED", 70m, T0)),
            Linked(workspace, first, HotmartPurchase("HC2", "APPROVED", 30m, T0)),
        ]);

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{survivor}/sales");
        Assert.Equal((2, 100.00m), (sales.Total, Assert.Single(sales.Totals).TotalRevenue));
    }

    [Fact]
    public async Task A_split_moves_a_record_and_its_sale_to_the_new_client_and_an_older_link_does_not_move_it_back()
    {
        var workspace = NewWorkspace();
        var original = Guid.NewGuid();
        var newcomer = Guid.NewGuid();
        var charge = StripeCharge("ch_s", 80m, T0);
        var oldLink = Linked(workspace, original, charge, clientVersion: 3);
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, original, HotmartPurchase("HS1", "APPROVED", 100m, T0), clientVersion: 2),
            oldLink,
        ]);

        await service.PublishAndSettleAsync(workspace,
        [
            new ClientSplit
            {
                WorkspaceId = workspace,
                CorrelationId = Guid.NewGuid(),
                ClientId = original,
                ClientVersion = 4,
                Moves = [new SplitRecordMove { Source = "stripe", EntityType = "charge", ExternalId = "ch_s", RawRecordId = oldLink.RawRecordId, ToClientId = newcomer, ToClientVersion = 1 }],
                Reason = "operator decision 7",
                SplitAt = DateTimeOffset.UtcNow,
            },
        ]);
        // Identity resolution also announces the move; then the old link is delivered again (a replay from before the split).
        await service.PublishInOrderAsync(workspace, Linked(workspace, newcomer, charge), oldLink with { CorrelationId = Guid.NewGuid() });

        var moved = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{newcomer}/sales");
        Assert.Equal(("ch_s", 80.00m), (Assert.Single(moved.Items).ExternalId, Assert.Single(moved.Totals).TotalRevenue));
        var left = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{original}/sales");
        Assert.Equal(["HS1"], left.Items.Select(s => s.ExternalId).ToList());
        Assert.Equal(["BRL"], left.Totals.Select(t => t.Currency).ToList());
        var events = await service.SalesUpdates.QuietAsync(e => e.WorkspaceId == workspace);
        Assert.Equal(0m, events.Last(e => e.ClientId == original && e.Currency == "USD").TotalRevenue);
    }

    [Fact]
    public async Task A_late_link_to_a_merged_away_client_does_not_undo_a_later_split_of_the_survivor()
    {
        var workspace = NewWorkspace();
        var survivor = Guid.NewGuid();
        var mergedAway = Guid.NewGuid();
        var newcomer = Guid.NewGuid();
        var charge = StripeCharge("ch_ms", 60m, T0);
        var lateLink = Linked(workspace, mergedAway, charge, clientVersion: 2);
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, survivor, HotmartPurchase("HMS1", "APPROVED", 100m, T0), clientVersion: 3),
            lateLink,
        ]);

        // The charge's client is merged into the survivor (survivor version 5), then split out of it (version 6).
        await service.PublishInOrderAsync(workspace,
            Merged(workspace, survivor, mergedAway),
            new ClientSplit
            {
                WorkspaceId = workspace,
                CorrelationId = Guid.NewGuid(),
                ClientId = survivor,
                ClientVersion = 6,
                Moves = [new SplitRecordMove { Source = "stripe", EntityType = "charge", ExternalId = "ch_ms", RawRecordId = lateLink.RawRecordId, ToClientId = newcomer, ToClientVersion = 1 }],
                Reason = "operator decision 9",
                SplitAt = DateTimeOffset.UtcNow,
            },
            Linked(workspace, newcomer, charge));
        // The link to the merged-away client from before the merge is delivered again, late.
        await service.PublishInOrderAsync(workspace, lateLink with { CorrelationId = Guid.NewGuid() });

        var moved = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{newcomer}/sales");
        Assert.Equal(["ch_ms"], moved.Items.Select(s => s.ExternalId).ToList());
        var kept = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{survivor}/sales");
        Assert.Equal(["HMS1"], kept.Items.Select(s => s.ExternalId).ToList());
    }

    [Fact]
    public async Task A_link_to_a_merged_away_client_after_a_split_that_came_before_the_merge_still_lands_on_the_survivor()
    {
        var workspace = NewWorkspace();
        var survivor = Guid.NewGuid();
        var mergedAway = Guid.NewGuid();
        var elsewhere = Guid.NewGuid();
        var purchase = HotmartPurchase("HMS2", "APPROVED", 40m, T0);

        // The record left the survivor (version 3), then was linked to another client, which merged into the
        // survivor at version 5: the link is newer than the move and the record belongs to the survivor again.
        await service.PublishInOrderAsync(workspace,
            Linked(workspace, survivor, purchase, clientVersion: 2),
            new ClientSplit
            {
                WorkspaceId = workspace,
                CorrelationId = Guid.NewGuid(),
                ClientId = survivor,
                ClientVersion = 3,
                Moves = [new SplitRecordMove { Source = "hotmart", EntityType = "purchase", ExternalId = "HMS2", RawRecordId = 1, ToClientId = elsewhere, ToClientVersion = 1 }],
                Reason = "operator decision 10",
                SplitAt = DateTimeOffset.UtcNow,
            },
            Merged(workspace, survivor, mergedAway),
            Linked(workspace, mergedAway, purchase, clientVersion: 4));

        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{survivor}/sales");
        Assert.Equal(["HMS2"], sales.Items.Select(s => s.ExternalId).ToList());
    }
}
