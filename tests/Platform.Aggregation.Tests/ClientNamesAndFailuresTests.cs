using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Aggregation.Domain;
using Platform.Aggregation.Hosting;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using Platform.Testing;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class ClientNamesAndFailuresTests(AggregationFixture service)
{
    private static ClientUpdated Updated(string workspace, Guid client, long version, string name, string email) => new()
    {
        WorkspaceId = workspace,
        CorrelationId = Guid.NewGuid(),
        ClientId = client,
        Version = version,
        Kind = "person",
        DisplayName = name,
        PrimaryEmail = email,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Reports_and_the_cs_list_name_clients_as_identity_resolution_last_described_them()
    {
        var workspace = NewWorkspace();
        var (ana, bia) = (Guid.NewGuid(), Guid.NewGuid());
        await service.PublishAndSettleAsync(workspace,
        [
            Linked(workspace, ana, HotmartPurchase("HN1", "APPROVED", 900m, T0)),
            Linked(workspace, bia, HotmartPurchase("HN2", "APPROVED", 300m, T0)),
        ]);
        // Versions out of order: the older one never overwrites the newer.
        await service.PublishInOrderAsync(workspace,
            Updated(workspace, ana, 3, "Ana Souza", "ana@example.com"),
            Updated(workspace, ana, 2, "Ana S.", "old@example.com"),
            Updated(workspace, bia, 1, "Beatriz Lima", "bia@example.com"));

        var top = await service.GetJsonAsync<PageDto<TopCustomerDto>>($"/api/reports/top-customers?workspaceId={workspace}&currency=BRL");
        Assert.Equal([("Ana Souza", "ana@example.com"), ("Beatriz Lima", "bia@example.com")], top.Items.Select(t => (t.DisplayName, t.Email)).ToList());
        var found = await service.GetJsonAsync<PageDto<CsCustomerDto>>($"/api/cs-customers?workspaceId={workspace}&q=souza");
        Assert.Equal(ana, Assert.Single(found.Items).ClientId);
        Assert.Equal("Ana Souza", (await service.GetJsonAsync<Customer360Dto>($"/api/customers/{ana}/360")).DisplayName);
    }

    [Fact]
    public async Task A_record_the_database_cannot_store_fails_alone_and_the_records_batched_with_it_are_aggregated()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        // PostgreSQL text cannot hold a NUL character: this message can never be stored.
        var poison = Linked(workspace, client, HotmartPurchase("BAD\u0000ID", "APPROVED", 10m, T0));
        var good = Enumerable.Range(0, 20).Select(i => Linked(workspace, client, HotmartPurchase($"OK{i}", "APPROVED", 10m, T0))).ToList();
        var before = service.Consumed.Count(workspace);

        await Task.WhenAll(good.Prepend(poison).Select(m => service.SalesUpdates.Bus.Publish(m)));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (service.Consumed.Count(workspace) < before + good.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        var sales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{client}/sales");
        Assert.Equal((20, 200.00m), (sales.Total, Assert.Single(sales.Totals).TotalRevenue));
        // The bad record alone is still failing (retried by the platform policy, then parked in the _error queue).
        Assert.Equal(before + good.Count, service.Consumed.Count(workspace));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from client_records where workspace_id = @w and external_id like 'BAD%'", ("w", workspace)));
    }

    [Fact]
    public async Task A_sync_runs_links_and_clients_in_bulk_messages_are_aggregated_as_if_each_came_alone_and_a_link_that_fails_goes_alone_to_the_error_queue()
    {
        var workspace = NewWorkspace();
        var (ana, bia) = (Guid.NewGuid(), Guid.NewGuid());
        var poison = Linked(workspace, bia, HotmartPurchase("BAD\u0000BULK", "APPROVED", 10m, T0));
        var links = Enumerable.Range(0, 30).Select(i => Linked(workspace, i % 3 == 0 ? bia : ana, HotmartPurchase($"BULK{i}", "APPROVED", 10m, T0.AddDays(i))))
            .Append(Linked(workspace, ana, HotmartPurchase("BULK7", "REFUNDED", 10m, T0.AddDays(40), T0.AddDays(7))))
            .ToList();
        links.Insert(12, poison);
        var before = service.Consumed.Count(workspace);

        await service.SalesUpdates.Bus.Publish(new RecordsLinked { WorkspaceId = workspace, CorrelationId = Guid.NewGuid(), Records = links });
        await service.SalesUpdates.Bus.Publish(new ClientsUpdated
        {
            WorkspaceId = workspace,
            CorrelationId = Guid.NewGuid(),
            Clients = [Updated(workspace, ana, 2, "Ana Souza", "ana@example.com"), Updated(workspace, bia, 1, "Beatriz Lima", "bia@example.com")],
        });

        await Eventually.HoldsAsync(() => service.Consumed.Count(workspace) >= before + 2, "both bulk messages are consumed");
        var anaSales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{ana}/sales");
        var biaSales = await service.GetJsonAsync<ClientSalesDto>($"/api/customers/{bia}/sales");
        // Ana: 20 sales, the one re-read later as refunded no longer counts; Bia: 10, the poison never stored.
        Assert.Equal((20, 190.00m), (anaSales.Total, Assert.Single(anaSales.Totals).TotalRevenue));
        Assert.Equal((10, 100.00m), (biaSales.Total, Assert.Single(biaSales.Totals).TotalRevenue));
        var top = await service.GetJsonAsync<PageDto<TopCustomerDto>>($"/api/reports/top-customers?workspaceId={workspace}&currency=BRL");
        Assert.Equal([("Ana Souza", "ana@example.com"), ("Beatriz Lima", "bia@example.com")], top.Items.Select(t => (t.DisplayName, t.Email)).ToList());
        // Another test's poison may be parked there too: the bodies tell which is this one.
        await Eventually.HoldsAsync(async () => (await service.VirtualHost.PeekAsync("aggregation-record-linked_error")).Count(b => b.Contains("BULK", StringComparison.Ordinal)) == 1,
            "the failing link alone is in the per-record error queue", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(await service.VirtualHost.PeekAsync("aggregation-record-linked_error"), b => b.Contains("BULK1", StringComparison.Ordinal));
        Assert.Equal(0, await service.VirtualHost.QueueMessageCountAsync("aggregation-records-linked_error"));
    }

    [Fact]
    public async Task Segments_are_re_rated_as_time_passes_without_any_event()
    {
        var workspace = NewWorkspace();
        var client = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await service.PublishAndSettleAsync(workspace,
            Enumerable.Range(0, 4).Select(i => (object)Linked(workspace, client, HotmartPurchase($"HT{i}", "APPROVED", 100m, now.AddDays(-70 - (30 * i)), now.AddDays(-70 - (30 * i))))));
        Assert.Equal(("active", "medium"), await Rating());

        // Forty days later, with no new purchase: the client is more than three rhythms late.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(service.Database.ConnectionString) { SearchPath = "aggregation" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var age = new NpgsqlCommand(
                "update customer_360 set last_purchase_at = last_purchase_at - interval '40 days', first_purchase_at = first_purchase_at - interval '40 days' where client_id = @c",
                connection);
            age.Parameters.AddWithValue("c", client);
            await age.ExecuteNonQueryAsync();
        }
        var changed = await SegmentRefresher.RefreshAsync(
            service.Service.Services.GetRequiredService<NpgsqlDataSource>(), service.Service.Services.GetRequiredService<AggregationOptions>().Segments,
            CancellationToken.None);

        Assert.True(changed >= 1);
        Assert.Equal(("at_risk", "high"), await Rating());

        async Task<(string, string?)> Rating()
        {
            var view = await service.GetJsonAsync<Customer360Dto>($"/api/customers/{client}/360");
            return (view.Segment, view.ChurnRisk);
        }
    }
}
