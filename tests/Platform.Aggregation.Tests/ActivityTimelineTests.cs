using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class ActivityTimelineTests(AggregationFixture service)
{
    [Fact]
    public async Task Linked_records_and_their_activities_have_one_unique_key_each_their_identity_at_the_source()
    {
        // Every linked record writes a row into both tables: a second unique key (on id) cost each an index entry more.
        var keys = await service.ScalarAsync<string[]>("""
            select array_agg(c.relname || ' ' || pg_get_indexdef(i.indexrelid) order by c.relname)
            from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'aggregation' and c.relname in ('client_records', 'customer_activities') and i.indisunique
            """);
        Assert.Equal(
            [
                "client_records CREATE UNIQUE INDEX pk_client_records ON aggregation.client_records USING btree (workspace_id, source, external_id, entity_type)",
                "customer_activities CREATE UNIQUE INDEX pk_customer_activities ON aggregation.customer_activities USING btree (workspace_id, source, external_id, entity_type, dedupe_key)",
            ],
            keys);
    }

    [Fact]
    public async Task The_timeline_has_an_entry_for_every_linked_record_newest_first_and_a_replay_adds_none()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        var messages = new[]
        {
            Linked(workspace, client, PloomesContact("TC", T0)),
            Linked(workspace, client, PloomesContact("TC", T0.AddDays(1))),
            Linked(workspace, client, HotmartCart("evt-1", T0.AddDays(2))),
            Linked(workspace, client, HotmartPurchase("TH", "APPROVED", 197m, T0.AddDays(3), T0.AddDays(3))),
            Linked(workspace, client, HotmartPurchase("TH", "REFUNDED", 197m, T0.AddDays(6), T0.AddDays(3))),
            Linked(workspace, client, PloomesDeal("TD", "won", 2000m, T0.AddDays(4))),
            Linked(workspace, client, StripeCharge("ch_t", 10m, T0.AddDays(5))),
            Linked(workspace, client, StripeAdjustment("dp_t", "ch_t", 10m, T0.AddDays(7), dispute: true)),
            Linked(workspace, client, HotmartSubscription("TS", "CANCELLED", "Mensal", T0.AddDays(8))),
        };

        await service.PublishAndSettleAsync(workspace, messages);
        await service.PublishAndSettleAsync(workspace, messages.Select(m => m with { CorrelationId = Guid.NewGuid() }));

        var timeline = await service.GetJsonAsync<PageDto<ActivityDto>>($"/api/customers/{client}/activities?pageSize=50");
        Assert.Equal(
            [
                ("subscription_cancelled", T0.AddDays(8)),
                ("purchase_chargeback", T0.AddDays(7)),
                ("purchase_refunded", T0.AddDays(6)),
                ("purchase_approved", T0.AddDays(5)),
                ("deal_won", T0.AddDays(4)),
                ("purchase_approved", T0.AddDays(3)),
                ("cart_abandoned", T0.AddDays(2)),
                ("contact_updated", T0.AddDays(1)),
                ("contact_updated", T0),
            ],
            timeline.Items.Select(a => (a.Type, a.OccurredAt)).ToList());
        Assert.Equal(9, timeline.Total);
        Assert.Equal("Purchase refunded in Hotmart: Curso Online (BRL 197.00)", timeline.Items[2].Title);
        var refunds = await service.GetJsonAsync<PageDto<ActivityDto>>($"/api/customers/{client}/activities?type=purchase_refunded");
        Assert.Equal("TH", Assert.Single(refunds.Items).ExternalId);
    }
}
