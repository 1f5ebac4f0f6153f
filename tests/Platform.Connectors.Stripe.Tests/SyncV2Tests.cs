using System.Net;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Connectors.Staging;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Stripe.Tests;

/// <summary>The SDK's sync defects, through connector-stripe on a real database and broker.</summary>
[Collection("stripe-backfill")]
public class SyncV2Tests(StripeBackfillFixture fixture) : IClassFixture<StripeBackfillFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_run_that_keeps_meeting_an_unexpected_error_fails_with_the_reason_after_bounded_retries()
    {
        var api = fixture.Api(8);
        api.AddCustomers(20, Now.AddHours(-2));
        var full = NewId.NextGuid();
        await fixture.StartSyncAsync(full, 8);
        await fixture.Completed.WaitForAsync(m => m.SyncRunId == full, Wait);
        // An event whose "created" is null: the reader meets a null where a number was expected (not a SourceException).
        api.AddRawEvent(new JsonObject
        {
            ["id"] = "evt_broken", ["object"] = "event", ["type"] = "customer.updated", ["created"] = null,
            ["data"] = new JsonObject { ["object"] = new JsonObject { ["id"] = "cus_x", ["object"] = "customer" } },
        });

        var run = NewId.NextGuid();
        await fixture.StartSyncAsync(run, 8, SyncMode.Incremental);

        var failed = await fixture.Failed.WaitForAsync(m => m.SyncRunId == run, Wait);
        Assert.Equal("internal", failed.ErrorCode);
        Assert.Contains("3 attempts", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(3, await fixture.CountAsync("select attempts from sync_runs where id = @id", ("id", run)));
    }

    [Fact]
    public async Task A_quiet_stream_reads_events_on_its_next_incremental_sync_and_list_versions_are_dated_when_read()
    {
        var api = fixture.Api(10);
        api.AddCustomers(30, Now.AddDays(-40)); // created long before Stripe's 30 days of events
        var full = NewId.NextGuid();
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        await fixture.StartSyncAsync(full, 10);
        await fixture.Completed.WaitForAsync(m => m.SyncRunId == full, Wait);
        Assert.Equal(0, await fixture.CountAsync(
            "select count(*) from raw_records where workspace_id = 'bf-10' and source_updated_at < @started", ("started", started.UtcDateTime)));

        while (api.Paths.TryDequeue(out _))
        {
        }
        var incremental = NewId.NextGuid();
        await fixture.StartSyncAsync(incremental, 10, SyncMode.Incremental);
        await fixture.Completed.WaitForAsync(m => m.SyncRunId == incremental, Wait);

        Assert.Contains("v1/events", api.Paths);
        Assert.DoesNotContain("v1/customers", api.Paths);
    }

    [Fact]
    public async Task The_same_payload_mapped_differently_is_a_new_version_and_the_same_mapping_is_not()
    {
        var staging = fixture.Host.Services.GetRequiredService<StagingStore>();
        var context = new StagingContext("bf-11", Guid.NewGuid(), Unify: UnifyMode.Deferred);
        const string payload = """{"id":"cus_enriched","object":"customer"}""";
        CanonicalRecord Mapped(string? phone) => new()
        {
            Source = "stripe", EntityType = EntityType.Contact, ExternalId = "cus_enriched", SourceUpdatedAt = Now,
            Identifiers = phone is null ? [] : [new Identifier(IdentifierKinds.Phone, phone)],
        };

        var first = await StageAsync(staging, context, new StagedRecordInput("customers", payload, Mapped(null)));
        var again = await StageAsync(staging, context, new StagedRecordInput("customers", payload, Mapped(null)));
        var enriched = await StageAsync(staging, context, new StagedRecordInput("customers", payload, Mapped("+5511987654321")));

        Assert.Equal((1, 0, 1), (first, again, enriched));
        Assert.Equal(2, await fixture.CountAsync("select count(*) from raw_records where workspace_id = 'bf-11'"));
    }

    [Fact]
    public async Task Publishing_a_staged_row_leaves_its_wide_row_untouched()
    {
        var staging = fixture.Host.Services.GetRequiredService<StagingStore>();
        var dataSource = fixture.Host.Services.GetRequiredService<NpgsqlDataSource>();
        var context = new StagingContext("bf-12", Guid.NewGuid());
        long transactionId;
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await staging.StageAsync(connection, transaction, context, [new StagedRecordInput("customers", """{"id":"cus_relay"}""",
                new CanonicalRecord { Source = "stripe", EntityType = EntityType.Contact, ExternalId = "cus_relay", SourceUpdatedAt = Now })],
                CancellationToken.None);
            await using var txid = new NpgsqlCommand("select txid_current()", connection, transaction);
            transactionId = (long)(await txid.ExecuteScalarAsync())!;
            await transaction.CommitAsync();
        }
        fixture.Host.Services.GetRequiredService<RelaySignal>().Notify();

        await fixture.Staged.WaitForAsync(m => m.WorkspaceId == "bf-12" && m.Record.ExternalId == "cus_relay", Wait);

        // The row is still the version its own insert wrote (an update would give it the relay's transaction id).
        Assert.Equal(transactionId % (1L << 32), await fixture.CountAsync(
            "select xmin::text::bigint from raw_records where workspace_id = 'bf-12' and external_id = 'cus_relay'"));
        // The relay leaves the outbox once the broker confirmed: the message may be heard a moment before that delete.
        var queued = 1L;
        for (var waited = TimeSpan.Zero; queued > 0 && waited < Wait; waited += TimeSpan.FromMilliseconds(100))
        {
            queued = await fixture.CountAsync(
                "select count(*) from raw_record_outbox o join raw_records r on r.id = o.id where r.workspace_id = 'bf-12'");
            if (queued > 0)
            {
                await Task.Delay(100);
            }
        }
        Assert.Equal(0, queued);
    }

    private async Task<int> StageAsync(StagingStore staging, StagingContext context, StagedRecordInput record)
    {
        var dataSource = fixture.Host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var inserted = await staging.StageAsync(connection, transaction, context, [record], CancellationToken.None);
        await transaction.CommitAsync();
        return inserted;
    }
}
