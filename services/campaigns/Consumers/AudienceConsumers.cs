using MassTransit;
using Npgsql;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;
using Platform.Contracts.Aggregation;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Privacy;
using Platform.Contracts.Records;
using Platform.ServiceDefaults;

namespace Platform.Campaigns.Consumers;

/// <summary>Names, email, phone and ManyChat id of a client (newest version wins); a sync run's clients (<see cref="ClientsUpdated"/>) one by one.</summary>
internal sealed class ClientUpdatedConsumer(AudienceStore store) : IConsumer<ClientUpdated>, IConsumer<ClientsUpdated>
{
    public Task Consume(ConsumeContext<ClientUpdated> context) => store.ApplyClientUpdatedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<ClientsUpdated> context) => BulkItems.ApplyAsync(context, context.Message.Clients, async (clients, cancellationToken) =>
    {
        foreach (var client in clients)
        {
            await store.ApplyClientUpdatedAsync(client, cancellationToken);
        }
    });
}

/// <summary>
/// Sources, tags and WhatsApp of a client; an abandoned cart starts the campaigns that wait for one. A sync run's links
/// (<see cref="RecordsLinked"/>) are applied in one transaction, each as if it had come alone (see <see cref="BulkItems"/>
/// for one that fails).
/// </summary>
internal sealed class RecordLinkedConsumer(NpgsqlDataSource dataSource, AudienceStore store, CampaignLauncher launcher)
    : IConsumer<RecordLinked>, IConsumer<RecordsLinked>
{
    public Task Consume(ConsumeContext<RecordLinked> context) => ApplyAsync([context.Message], context.CancellationToken);

    public Task Consume(ConsumeContext<RecordsLinked> context) => BulkItems.ApplyAsync(context, context.Message.Records, ApplyAsync);

    private async Task ApplyAsync(IReadOnlyList<RecordLinked> links, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            foreach (var link in links)
            {
                await store.ApplyRecordLinkedAsync(connection, transaction, link, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        foreach (var link in links.Where(l => IsAbandonedCart(l.Record)))
        {
            await launcher.TriggerAsync(link.WorkspaceId, "cart_abandoned", link.ClientId,
                $"{link.Record.Source}:{link.Record.ExternalId}", cancellationToken);
        }
    }

    /// <summary>A purchase whose status says the checkout was abandoned (Hotmart's abandoned carts carry <c>status: abandoned</c>).</summary>
    public static bool IsAbandonedCart(CanonicalRecord record)
    {
        if (record.EntityType != EntityType.Purchase)
        {
            return false;
        }
        var status = record.Money?.Status ?? (record.Attributes.TryGetValue("status", out var s) ? s : null);
        return status?.Trim().ToLowerInvariant() is "abandoned" or "cart_abandoned" or "abandonado";
    }
}

/// <summary>Sales totals per currency: purchase dates, LTV, churn risk.</summary>
internal sealed class CustomerSalesUpdatedConsumer(AudienceStore store) : IConsumer<CustomerSalesUpdated>
{
    public Task Consume(ConsumeContext<CustomerSalesUpdated> context) => store.ApplySalesAsync(context.Message, context.CancellationToken);
}

/// <summary>A client became a customer: marks them and starts the campaigns that wait for it (once per client).</summary>
internal sealed class CustomerBecameClientConsumer(NpgsqlDataSource dataSource, AudienceStore store, CampaignLauncher launcher)
    : IConsumer<CustomerBecameClient>
{
    public async Task Consume(ConsumeContext<CustomerBecameClient> context)
    {
        var message = context.Message;
        await using (var connection = await dataSource.OpenConnectionAsync(context.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(context.CancellationToken))
        {
            await store.ApplyBecameClientAsync(connection, transaction, message, context.CancellationToken);
            await transaction.CommitAsync(context.CancellationToken);
        }
        // Keyed by client: a redelivery (even after the mark committed) starts nothing twice.
        await launcher.TriggerAsync(message.WorkspaceId, "became_client", message.ClientId, message.ClientId.ToString(), context.CancellationToken);
    }
}

internal sealed class ClientsMergedConsumer(AudienceStore store) : IConsumer<ClientsMerged>
{
    public Task Consume(ConsumeContext<ClientsMerged> context) => store.ApplyMergedAsync(context.Message, context.CancellationToken);
}

/// <summary>LGPD erasure: the person leaves the copy and the recipients, and stays only as hashes on the suppression list.</summary>
internal sealed class ClientErasedConsumer(AudienceStore store) : IConsumer<ClientErased>
{
    public Task Consume(ConsumeContext<ClientErased> context) => store.ApplyErasedAsync(context.Message, context.CancellationToken);
}
