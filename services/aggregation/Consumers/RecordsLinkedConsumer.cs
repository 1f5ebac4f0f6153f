using MassTransit;
using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// Aggregates the links of a sync run's records (identity resolution's <see cref="RecordsLinked"/>): each joins the
/// group commits of <see cref="RecordBatcher"/> as a lone <see cref="RecordLinked"/> would. A link that fails on its
/// own (the batcher has retried it alone) is sent back to this service's own <see cref="RecordLinkedConsumer"/> queue,
/// so only it meets the retry policy and the <c>_error</c> queue, and no other subscriber sees it twice.
/// </summary>
internal sealed class RecordsLinkedConsumer(RecordBatcher batcher, IEndpointNameFormatter names) : IConsumer<RecordsLinked>
{
    public async Task Consume(ConsumeContext<RecordsLinked> context)
    {
        var (_, failed) = await batcher.SubmitAllAsync(context.Message.Records, context.CancellationToken);
        if (failed.Count > 0)
        {
            var alone = await context.GetSendEndpoint(new Uri($"queue:{names.Consumer<RecordLinkedConsumer>()}"));
            await alone.SendBatch(failed, context.CancellationToken);
        }
    }
}

/// <summary>A few bulk messages at once (each holds up to a few hundred links), enough for the batcher to fill its transactions.</summary>
internal sealed class RecordsLinkedConsumerDefinition : ConsumerDefinition<RecordsLinkedConsumer>
{
    public RecordsLinkedConsumerDefinition(AggregationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConcurrentMessageLimit = options.ConcurrentBulkMessages;
        Endpoint(e => e.PrefetchCount = options.ConcurrentBulkMessages);
    }
}
