using MassTransit;
using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;
using Platform.ServiceDefaults;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// Aggregates the links of a sync run's records (identity resolution's <see cref="RecordsLinked"/>): each joins the
/// group commits of <see cref="RecordBatcher"/> as a lone <see cref="RecordLinked"/> would.
/// </summary>
internal sealed class RecordsLinkedConsumer(RecordBatcher batcher, IEndpointNameFormatter names) : IConsumer<RecordsLinked>
{
    public Task Consume(ConsumeContext<RecordsLinked> context) =>
        BulkItems.SubmitAsync<RecordLinked, RecordLinkedConsumer>(context, batcher, context.Message.Records, names);
}

/// <summary>
/// Keeps the display fields of a sync run's changed clients (identity resolution's <see cref="ClientsUpdated"/>): each
/// joins the group commits of <see cref="ClientBatcher"/> as a lone <see cref="ClientUpdated"/> would.
/// </summary>
internal sealed class ClientsUpdatedConsumer(ClientBatcher batcher, IEndpointNameFormatter names) : IConsumer<ClientsUpdated>
{
    public Task Consume(ConsumeContext<ClientsUpdated> context) =>
        BulkItems.SubmitAsync<ClientUpdated, ClientUpdatedConsumer>(context, batcher, context.Message.Clients, names);
}

/// <summary>How a bulk message's items reach a batcher.</summary>
internal static class BulkItems
{
    /// <summary>
    /// Submits every item and waits for them all; an item that fails on its own (the batcher has retried it alone) is
    /// sent to this service's queue of <typeparamref name="TAlone"/>, the consumer of a lone item, so only it meets the
    /// retry policy and the <c>_error</c> queue, and no other subscriber sees it twice.
    /// </summary>
    public static async Task SubmitAsync<T, TAlone>(ConsumeContext context, GroupCommitBatcher<T, bool> batcher, IReadOnlyList<T> items,
        IEndpointNameFormatter names)
        where T : class
        where TAlone : class, IConsumer
    {
        var (_, failed) = await batcher.SubmitAllAsync(items, context.CancellationToken);
        if (failed.Count > 0)
        {
            var alone = await context.GetSendEndpoint(new Uri($"queue:{names.Consumer<TAlone>()}"));
            await alone.SendBatch(failed, context.CancellationToken);
        }
    }
}

/// <summary>A few bulk messages (<c>ConcurrentBulkMessages</c>, up to a few hundred items each) held at once: enough for the batchers to fill their transactions.</summary>
internal sealed class BulkConsumerDefinition<TConsumer>(AggregationOptions options)
    : HeldMessagesDefinition<TConsumer>(options.ConcurrentBulkMessages)
    where TConsumer : class, IConsumer;
