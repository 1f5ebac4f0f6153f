using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Connectors.Staging;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Connectors.Tests;

/// <summary>The relay publishes a sync run's rows a hundred to a message, and a webhook's rows one by one.</summary>
public sealed class RelayBulkTests(LocatedWebhookFixture fixture) : IClassFixture<LocatedWebhookFixture>
{
    private static CanonicalRecord Record(string id) => new()
    {
        Source = LocatedWebhookFixture.Source,
        EntityType = EntityType.Contact,
        ExternalId = id,
        SourceUpdatedAt = DateTimeOffset.UtcNow,
        Identifiers = [new Identifier(IdentifierKinds.Email, $"{id}@example.com")],
    };

    private async Task StageAsync(string workspace, Guid? run, IEnumerable<string> ids)
    {
        var staging = fixture.Services.GetRequiredService<StagingStore>();
        await using var connection = await fixture.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await staging.StageAsync(connection, transaction, new StagingContext(workspace, Guid.NewGuid(), run, UnifyMode.Now),
            ids.Select(id => new StagedRecordInput("contacts", $$"""{"id":"{{id}}"}""", Record(id))).ToList(), CancellationToken.None);
        await transaction.CommitAsync();
        fixture.Services.GetRequiredService<RelaySignal>().Notify();
    }

    [Fact]
    public async Task A_sync_runs_rows_go_a_hundred_to_a_message_of_one_workspace_in_staging_order_and_a_webhooks_alone()
    {
        await using var single = await BusProbe<RawRecordStaged>.StartAsync(fixture.VirtualHost);
        await using var bulk = await BusProbe<RawRecordsStaged>.StartAsync(fixture.VirtualHost);
        var (blue, tokeniza) = ("bulk-" + Guid.NewGuid().ToString("N")[..8], "bulk-" + Guid.NewGuid().ToString("N")[..8]);
        var run = Guid.NewGuid();

        await StageAsync(blue, run, Enumerable.Range(0, 250).Select(i => $"b{i:D3}"));
        await StageAsync(blue, null, ["webhook-1"]);
        await StageAsync(tokeniza, run, Enumerable.Range(0, 30).Select(i => $"t{i:D3}"));

        await Eventually.HoldsAsync(
            () => bulk.Received.Sum(m => m.Records.Count) == 280 && single.Received.Count == 1,
            "280 rows in bulk messages and one webhook row alone", TimeSpan.FromSeconds(30));
        var messages = bulk.Received.OrderBy(m => m.Records[0].RawRecordId).ToList();
        Assert.Equal([(blue, 100), (blue, 100), (blue, 50), (tokeniza, 30)], messages.Select(m => (m.WorkspaceId, m.Records.Count)));
        Assert.All(messages, m => Assert.All(m.Records, r => Assert.Equal((m.WorkspaceId, LocatedWebhookFixture.Source, run), (r.WorkspaceId, r.Source, r.SyncRunId))));
        var blueIds = messages.Take(3).SelectMany(m => m.Records).Select(r => r.Record.ExternalId).ToList();
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"b{i:D3}"), blueIds);
        Assert.Equal(messages.SelectMany(m => m.Records).Select(r => r.RawRecordId).Order(), messages.SelectMany(m => m.Records).Select(r => r.RawRecordId));
        var webhook = Assert.Single(single.Received);
        Assert.Equal((blue, "webhook-1", (Guid?)null), (webhook.WorkspaceId, webhook.Record.ExternalId, webhook.SyncRunId));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_record_outbox"));
    }
}
