using MassTransit;
using Platform.Connectors.ManyChat.Persistence;
using Platform.Contracts.Aggregation;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;
using Platform.ServiceDefaults;

namespace Platform.Connectors.ManyChat.Outbound;

/// <summary>
/// Keeps the workspace's clients (email, phone, ManyChat subscriber id) for the lookup sync and the tag pushes; a sync
/// run's clients (<see cref="ClientsUpdated"/>) one by one.
/// </summary>
public sealed class ClientUpdatedConsumer(TagPushStore store, TagPushSignal signal) : IConsumer<ClientUpdated>, IConsumer<ClientsUpdated>
{
    public Task Consume(ConsumeContext<ClientUpdated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ApplyAsync([context.Message], context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ClientsUpdated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return BulkItems.ApplyAsync(context, context.Message.Clients, ApplyAsync);
    }

    private async Task ApplyAsync(IReadOnlyList<ClientUpdated> clients, CancellationToken cancellationToken)
    {
        var subscribed = false;
        foreach (var client in clients)
        {
            var subscriber = client.Identifiers.FirstOrDefault(i => i.Kind == IdentifierKinds.ManychatSubscriberId)?.Value;
            await store.UpsertClientAsync(new ManyChatClientRow
            {
                WorkspaceId = client.WorkspaceId,
                ClientId = client.ClientId,
                Version = client.Version,
                Email = client.PrimaryEmail ?? client.Identifiers.FirstOrDefault(i => i.Kind == IdentifierKinds.Email)?.Value,
                Phone = client.PrimaryPhone ?? client.Identifiers.FirstOrDefault(i => i.Kind == IdentifierKinds.Phone)?.Value,
                SubscriberId = subscriber,
                UpdatedAt = client.UpdatedAt,
            }, cancellationToken);
            subscribed |= subscriber is not null;
        }
        if (subscribed)
        {
            signal.Notify(); // pushes waiting for these clients' subscribers can go now
        }
    }
}

/// <summary>Clients merged by identity resolution: ManyChat's client table follows the survivor.</summary>
public sealed class ClientsMergedConsumer(TagPushStore store, TagPushSignal signal) : IConsumer<ClientsMerged>
{
    public async Task Consume(ConsumeContext<ClientsMerged> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        await store.MergeAsync(message.WorkspaceId, message.SurvivorClientId, message.MergedClientIds, message.MergedAt, context.CancellationToken);
        signal.Notify(); // pushes moved to a survivor with a subscriber can go now
    }
}

/// <summary>A client bought (aggregation's CustomerBecameClient): the workspace's <c>became_client</c> rules ask for their tags.</summary>
public sealed class CustomerBecameClientConsumer(TagRequests requests) : IConsumer<CustomerBecameClient>
{
    public Task Consume(ConsumeContext<CustomerBecameClient> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        return requests.RequestAsync(message.WorkspaceId, message.ClientId, rules => TagRules.BecameClient(rules, message.Reason),
            context.CancellationToken);
    }
}

/// <summary>
/// A purchase record linked to a client (an abandoned Hotmart cart…): the <c>purchase_status:*</c> rules. A sync run's
/// links (<see cref="RecordsLinked"/>) are taken one by one, as if each had come alone.
/// </summary>
public sealed class RecordLinkedConsumer(TagRequests requests) : IConsumer<RecordLinked>, IConsumer<RecordsLinked>
{
    public Task Consume(ConsumeContext<RecordLinked> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RequestAsync(context.Message, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<RecordsLinked> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return BulkItems.ApplyAsync(context, context.Message.Records, async (links, cancellationToken) =>
        {
            foreach (var link in links)
            {
                await RequestAsync(link, cancellationToken);
            }
        });
    }

    private Task RequestAsync(RecordLinked link, CancellationToken cancellationToken)
    {
        if (link.Record.EntityType != EntityType.Purchase)
        {
            return Task.CompletedTask;
        }
        var status = link.Record.Money?.Status ?? link.Record.Attributes.GetValueOrDefault("status");
        return requests.RequestAsync(link.WorkspaceId, link.ClientId, rules => TagRules.PurchaseStatus(rules, status), cancellationToken);
    }
}

/// <summary>Turns a matched rule into a recorded push, for workspaces that have a ManyChat token.</summary>
public sealed class TagRequests(Connectors.ConnectorCredentials credentials, TagPushStore store, TagPushSignal signal, TimeProvider clock)
{
    public async Task RequestAsync(string workspaceId, Guid clientId, Func<IReadOnlyList<TagRule>, IEnumerable<TagRule>> match,
        CancellationToken cancellationToken)
    {
        var workspace = credentials.For(workspaceId);
        if (string.IsNullOrWhiteSpace(workspace["Token"]))
        {
            return;
        }
        var any = false;
        foreach (var rule in match(TagRules.For(workspace)))
        {
            any |= await store.RequestAsync(workspaceId, clientId, rule.Tag, rule.When, clock.GetUtcNow(), cancellationToken);
        }
        if (any)
        {
            signal.Notify();
        }
    }
}
