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

    private Task StageAsync(string workspace, Guid? run, IEnumerable<string> ids) =>
        StageAsync(fixture.Services.GetRequiredService<StagingStore>(), workspace, run, ids.Select(Record).ToList());

    private async Task StageAsync(StagingStore staging, string workspace, Guid? run, IReadOnlyList<CanonicalRecord> records)
    {
        await using var connection = await fixture.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await staging.StageAsync(connection, transaction, new StagingContext(workspace, Guid.NewGuid(), run, UnifyMode.Now),
            records.Select(r => new StagedRecordInput("contacts", $$"""{"id":"{{r.ExternalId}}"}""", r)).ToList(), CancellationToken.None);
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

    [Fact]
    public async Task A_webhooks_row_is_published_before_the_rows_of_sync_runs_queued_ahead_of_it()
    {
        // Every staged record, in the order the probe received them (bulk messages unwrapped into their records).
        await using var probe = await BusProbe<RawRecordStaged>.StartAsync<RawRecordsStaged>(fixture.VirtualHost, m => m.Records);
        var workspace = "lane-" + Guid.NewGuid().ToString("N")[..8];
        var run = Guid.NewGuid();

        // A backlog of a sync run's rows (ten of the relay's batches) queued while the relay waits, then one webhook row.
        await using (var relayLock = await fixture.HoldRelayAsync())
        {
            foreach (var page in Enumerable.Range(0, 5000).Select(i => $"s{i:D4}").Chunk(1000))
            {
                await StageAsync(workspace, run, page);
            }
            await StageAsync(workspace, null, ["webhook-late"]);
            Assert.Equal(1, await fixture.CountAsync(
                "select count(*) from raw_record_outbox o join raw_records r on r.id = o.id where r.workspace_id = @ws and o.live", ("ws", workspace)));
        }

        await Eventually.HoldsAsync(() => probe.Received.Count(r => r.WorkspaceId == workspace) == 5001,
            "the backlog and the webhook row published", TimeSpan.FromSeconds(60));
        var order = probe.Received.Where(r => r.WorkspaceId == workspace).Select(r => r.Record.ExternalId).ToList();
        // Staged last, it goes in the relay's first batch (500 rows), not after the 5,000 ahead of it.
        Assert.InRange(order.IndexOf("webhook-late"), 0, 500);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"s{i:D4}"), order.Where(id => id != "webhook-late").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_lane_waits_in_the_outbox_while_its_consumers_queue_holds_its_limit_and_only_that_lane()
    {
        await using var probe = await BusProbe<RawRecordStaged>.StartAsync<RawRecordsStaged>(fixture.VirtualHost, m => m.Records);
        var options = fixture.Services.GetRequiredService<RelayOptions>();
        var saved = (options.PaceQueues, options.MaxQueuedMessages, options.LivePaceQueues, options.MaxQueuedLiveMessages, options.PaceCheckInterval);
        var (bulkQueue, liveQueue) = ("pace-bulk-" + Guid.NewGuid().ToString("N")[..8], "pace-live-" + Guid.NewGuid().ToString("N")[..8]);
        var workspace = "pace-" + Guid.NewGuid().ToString("N")[..8];
        int Published(bool live) => probe.Received.Count(r => r.WorkspaceId == workspace && r.SyncRunId is null == live);
        Task<long> QueuedAsync() => fixture.CountAsync(
            "select count(*) from raw_record_outbox o join raw_records r on r.id = o.id where r.workspace_id = @ws", ("ws", workspace));
        // Three of the relay's polls: unpaced, what is queued goes within one.
        var polls = options.PollInterval * 3;
        // The sync runs' consumers hold three messages, their limit.
        await fixture.VirtualHost.FillQueueAsync(bulkQueue, 3);
        await fixture.VirtualHost.FillQueueAsync(liveQueue, 0);
        (options.PaceQueues, options.MaxQueuedMessages, options.LivePaceQueues, options.MaxQueuedLiveMessages) = ([bulkQueue], 3, [liveQueue], 2);
        options.PaceCheckInterval = TimeSpan.Zero; // every batch asks the broker (no reading from before a queue filled)
        try
        {
            await StageAsync(workspace, Guid.NewGuid(), Enumerable.Range(0, 300).Select(i => $"p{i:D3}"));
            await StageAsync(workspace, null, ["webhook-1"]);
            await Eventually.HoldsAsync(() => Published(live: true) == 1, "the webhook's row published", TimeSpan.FromSeconds(30));
            await Task.Delay(polls);
            Assert.Equal((0, 300L), (Published(live: false), await QueuedAsync()));

            // The sync runs' consumers caught up; the webhooks' are two behind: the run's rows go, a new webhook's row waits.
            await fixture.VirtualHost.FillQueueAsync(liveQueue, 2);
            await fixture.VirtualHost.PurgeQueueAsync(bulkQueue);
            await StageAsync(workspace, null, ["webhook-2"]);
            await Eventually.HoldsAsync(() => Published(live: false) == 300, "the run's rows published once their queue emptied", TimeSpan.FromSeconds(30));
            Assert.Equal(Enumerable.Range(0, 300).Select(i => $"p{i:D3}"),
                probe.Received.Where(r => r.WorkspaceId == workspace && r.SyncRunId is not null).Select(r => r.Record.ExternalId).Order(StringComparer.Ordinal));
            await Task.Delay(polls);
            Assert.Equal((1, 1L), (Published(live: true), await QueuedAsync()));

            await fixture.VirtualHost.PurgeQueueAsync(liveQueue);
            await Eventually.HoldsAsync(() => Published(live: true) == 2, "the second webhook's row published once its queue emptied", TimeSpan.FromSeconds(30));
            Assert.Equal(0, await QueuedAsync());
        }
        finally
        {
            (options.PaceQueues, options.MaxQueuedMessages, options.LivePaceQueues, options.MaxQueuedLiveMessages, options.PaceCheckInterval) = saved;
        }
    }

    [Fact]
    public async Task Rows_this_process_staged_are_published_from_memory_and_say_what_rows_read_back_from_the_database_say()
    {
        await using var bulk = await BusProbe<RawRecordsStaged>.StartAsync(fixture.VirtualHost);
        var memory = fixture.Services.GetRequiredService<StagedRowMemory>();
        var dataSource = fixture.Services.GetRequiredService<NpgsqlDataSource>();
        var (here, elsewhere) = ("mem-" + Guid.NewGuid().ToString("N")[..8], "mem-" + Guid.NewGuid().ToString("N")[..8]);
        var run = Guid.NewGuid();
        var records = Enumerable.Range(0, 150).Select(i => Record($"m{i:D3}") with
        {
            Person = new PersonFields { FullName = $"Conceição Nº {i}" },
            Money = new MoneyFields { Amount = 10.50m + i, Currency = "BRL", Status = "paid", OccurredAt = new DateTimeOffset(2026, 12, 4, 9, 30, 0, TimeSpan.FromHours(-3)) },
            Attributes = new Dictionary<string, string?> { ["tag"] = "vip", ["empty"] = null },
        }).ToList();
        var before = (memory.FromMemory, memory.FromDatabase);

        // Staged by this process: the relay takes the rows from memory.
        await StageAsync(fixture.Services.GetRequiredService<StagingStore>(), here, run, records);
        await Eventually.HoldsAsync(() => bulk.Received.Where(m => m.WorkspaceId == here).Sum(m => m.Records.Count) == 150,
            "the rows staged here are published", TimeSpan.FromSeconds(30));
        Assert.Equal((150L, 0L), (memory.FromMemory - before.FromMemory, memory.FromDatabase - before.FromDatabase));

        // Staged by another replica (a store without this process's memory): the relay reads them back.
        await StageAsync(new StagingStore(dataSource, fixture.Services.GetRequiredService<RelaySignal>(), TimeProvider.System), elsewhere, run, records);
        await Eventually.HoldsAsync(() => bulk.Received.Where(m => m.WorkspaceId == elsewhere).Sum(m => m.Records.Count) == 150,
            "the rows staged elsewhere are published", TimeSpan.FromSeconds(30));
        Assert.Equal((150L, 150L), (memory.FromMemory - before.FromMemory, memory.FromDatabase - before.FromDatabase));

        var fromMemory = bulk.Received.Where(m => m.WorkspaceId == here).SelectMany(m => m.Records).OrderBy(r => r.RawRecordId).ToList();
        var readBack = bulk.Received.Where(m => m.WorkspaceId == elsewhere).SelectMany(m => m.Records).OrderBy(r => r.RawRecordId).ToList();
        Assert.Equal(readBack.Select(r => System.Text.Json.JsonSerializer.Serialize(r.Record, CanonicalJson.Options)),
            fromMemory.Select(r => System.Text.Json.JsonSerializer.Serialize(r.Record, CanonicalJson.Options)));
        Assert.All(fromMemory.Concat(readBack), r => Assert.Equal((run, LocatedWebhookFixture.Source), (r.SyncRunId!.Value, r.Source)));
        // Each says when it was staged as the row does (PostgreSQL keeps microseconds).
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var message in new[] { fromMemory[0], fromMemory[^1], readBack[0] })
        {
            await using var command = new NpgsqlCommand("select received_at, correlation_id from raw_records where id = $1", connection)
            {
                Parameters = { new() { Value = message.RawRecordId } },
            };
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((reader.GetFieldValue<DateTimeOffset>(0), reader.GetGuid(1)), (message.StagedAt, message.CorrelationId));
        }
    }
}
