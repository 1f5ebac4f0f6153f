using Platform.Contracts.Connectors;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using Platform.Testing;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

public sealed class BulkStagedTests(IdentityResolutionFixture service) : IClassFixture<IdentityResolutionFixture>
{
    /// <summary>Each person a Stripe customer and a charge under the same email (two records that link).</summary>
    private static List<RawRecordStaged> CustomersWithACharge(string workspace, int people, string emailPrefix) =>
        Enumerable.Range(0, people)
            .SelectMany(i => new[]
            {
                Record(workspace, "stripe", EntityType.Contact, $"cus_{i}", $"email:{emailPrefix}{i}@example.com", $"stripe_customer_id:cus_{i}"),
                Record(workspace, "stripe", EntityType.Charge, $"ch_{i}", $"email:{emailPrefix}{i}@example.com"),
            })
            .ToList();

    [Fact]
    public async Task A_bulk_message_resolves_every_record_and_a_record_that_fails_on_its_own_ends_alone_in_the_error_queue()
    {
        var workspace = NewWorkspace();
        // Forty people, each bought twice (two records that link), and one record whose external id no index can hold.
        var records = CustomersWithACharge(workspace, 40, "pessoa");
        var poison = Record(workspace, "stripe", EntityType.Contact, "cus_" + string.Concat(Enumerable.Range(0, 300).Select(_ => Guid.NewGuid().ToString("N"))), "email:poison@example.com");
        records.Insert(33, poison);
        var errors = await service.VirtualHost.QueueMessageCountAsync("identity-resolution-raw-record-staged_error");

        await service.ClientUpdates.Bus.Publish(new RawRecordsStaged { WorkspaceId = workspace, Source = "stripe", Records = records });

        var stats = await service.WaitForRecordsAsync(workspace, 80);
        Assert.Equal(40, (await service.ClientsAsync(workspace)).Count);
        await Eventually.HoldsAsync(
            () => service.RecordLinks.Received.Count(l => l.WorkspaceId == workspace) >= 80, "every good record is announced linked");
        await Eventually.HoldsAsync(async () => await service.VirtualHost.QueueMessageCountAsync("identity-resolution-raw-record-staged_error") == errors + 1,
            "the poison record alone is in the error queue", TimeSpan.FromSeconds(60));
        Assert.Equal(80, stats.Records);
        Assert.Equal(0, await service.VirtualHost.QueueMessageCountAsync("identity-resolution-raw-records-staged_error"));
        // The links came together, not one message each; each client was announced once, at its newest version, together.
        var bulk = await service.BulkLinks.QuietAsync(b => b.WorkspaceId == workspace);
        Assert.Equal(80, bulk.Sum(b => b.Records.Count));
        Assert.Single(bulk);
        var clients = await service.ClientUpdates.QuietAsync(c => c.WorkspaceId == workspace);
        Assert.Equal(40, clients.Count);
        Assert.Equal(40, clients.Select(c => c.ClientId).Distinct().Count());
        Assert.All(clients, c => Assert.Equal(2, c.RecordCount));
        Assert.Equal(40, Assert.Single(await service.BulkClients.QuietAsync(b => b.WorkspaceId == workspace)).Clients.Count);
    }

    [Fact]
    public async Task Webhooks_resolved_in_one_transaction_are_announced_in_bulk_messages_and_each_still_once()
    {
        await using var singleLinks = await BusProbe<RecordLinked>.StartAsync(service.VirtualHost);
        await using var singleClients = await BusProbe<ClientUpdated>.StartAsync(service.VirtualHost);
        var workspace = NewWorkspace();
        // Thirty people, each a customer and a charge, arriving as sixty separate webhooks at once: the first one's
        // transaction is still running when the others wait, so they are resolved together.
        var records = CustomersWithACharge(workspace, 30, "burst");

        await service.PublishAllAsync(records);

        await service.WaitForRecordsAsync(workspace, 60);
        Assert.Equal(30, (await service.ClientsAsync(workspace)).Count);
        await Eventually.HoldsAsync(
            () => service.RecordLinks.Received.Count(l => l.WorkspaceId == workspace) >= 60, "every record is announced linked");
        var links = await service.RecordLinks.QuietAsync(l => l.WorkspaceId == workspace);
        // Each record once (its newest link), whichever form carried it.
        Assert.Equal(60, links.Select(l => l.Record.ExternalId).Distinct().Count());
        var clients = await service.ClientUpdates.QuietAsync(c => c.WorkspaceId == workspace);
        Assert.Equal(30, clients.Select(c => c.ClientId).Distinct().Count());
        Assert.All(clients.GroupBy(c => c.ClientId), g => Assert.Equal(2, g.Max(c => c.RecordCount)));

        // Fewer deliveries than records: the transactions of several webhooks published one RecordsLinked and one
        // ClientsUpdated each, not a RecordLinked and a ClientUpdated a record.
        var bulkLinks = await service.BulkLinks.QuietAsync(b => b.WorkspaceId == workspace);
        var bulkClients = await service.BulkClients.QuietAsync(b => b.WorkspaceId == workspace);
        var aloneLinks = singleLinks.Received.Count(l => l.WorkspaceId == workspace);
        var aloneClients = singleClients.Received.Count(c => c.WorkspaceId == workspace);
        Assert.NotEmpty(bulkLinks);
        Assert.NotEmpty(bulkClients);
        Assert.True(bulkLinks.Count + aloneLinks < 60, $"{bulkLinks.Count} RecordsLinked and {aloneLinks} RecordLinked for 60 records");
        Assert.True(bulkClients.Count + aloneClients < 30, $"{bulkClients.Count} ClientsUpdated and {aloneClients} ClientUpdated for 30 clients");
        Assert.True(bulkLinks.Sum(b => b.Records.Count) + aloneLinks >= 60);
    }
}
