using MassTransit;
using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;
using Platform.ServiceDefaults;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// Aggregates the links of a sync run's records (identity resolution's <see cref="RecordsLinked"/>): each joins the
/// group commits of <see cref="RecordBatcher"/> as a lone <see cref="RecordLinked"/> would; one that fails on its own
/// goes alone to the <see cref="RecordLinkedConsumer"/> queue (see <see cref="BulkItems"/>).
/// </summary>
internal sealed class RecordsLinkedConsumer(RecordBatcher batcher, IEndpointNameFormatter names) : IConsumer<RecordsLinked>
{
    public Task Consume(ConsumeContext<RecordsLinked> context) =>
        BulkItems.SubmitAsync(context, batcher, context.Message.Records, new Uri($"queue:{names.Consumer<RecordLinkedConsumer>()}"));
}

/// <summary>
/// Keeps the display fields of a sync run's changed clients (identity resolution's <see cref="ClientsUpdated"/>): each
/// joins the group commits of <see cref="ClientBatcher"/> as a lone <see cref="ClientUpdated"/> would.
/// </summary>
internal sealed class ClientsUpdatedConsumer(ClientBatcher batcher, IEndpointNameFormatter names) : IConsumer<ClientsUpdated>
{
    public Task Consume(ConsumeContext<ClientsUpdated> context) =>
        BulkItems.SubmitAsync(context, batcher, context.Message.Clients, new Uri($"queue:{names.Consumer<ClientUpdatedConsumer>()}"));
}

/// <summary>A few bulk messages (<c>ConcurrentBulkMessages</c>, up to a few hundred items each) held at once: enough for the batchers to fill their transactions.</summary>
internal sealed class BulkConsumerDefinition<TConsumer>(AggregationOptions options)
    : HeldMessagesDefinition<TConsumer>(options.ConcurrentBulkMessages)
    where TConsumer : class, IConsumer;
