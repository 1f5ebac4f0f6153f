using MassTransit;
using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;
using Platform.ServiceDefaults;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// Aggregates every linked record (batched with the others arriving at the same time, see <see cref="RecordBatcher"/>).
/// Failures are not caught: the platform retry policy retries them and then parks the message in the <c>_error</c> queue.
/// </summary>
internal sealed class RecordLinkedConsumer(RecordBatcher batcher) : IConsumer<RecordLinked>
{
    public Task Consume(ConsumeContext<RecordLinked> context) => batcher.SubmitAsync(context.Message, context.CancellationToken);
}

/// <summary>Per-record messages (<c>ConcurrentMessages</c>) held at once by every consumer that hands them to a batcher.</summary>
internal sealed class BatchedConsumerDefinition<TConsumer>(AggregationOptions options)
    : HeldMessagesDefinition<TConsumer>(options.ConcurrentMessages)
    where TConsumer : class, IConsumer;
