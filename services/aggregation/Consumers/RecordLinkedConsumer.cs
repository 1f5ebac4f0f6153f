using MassTransit;
using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// Aggregates every linked record (batched with the others arriving at the same time, see <see cref="RecordBatcher"/>).
/// Failures are not caught: the platform retry policy retries them and then parks the message in the <c>_error</c> queue.
/// </summary>
internal sealed class RecordLinkedConsumer(RecordBatcher batcher) : IConsumer<RecordLinked>
{
    public Task Consume(ConsumeContext<RecordLinked> context) => batcher.SubmitAsync(context.Message, context.CancellationToken);
}

/// <summary>
/// Many messages held at once so batches can form (they wait on a batcher, not on a database connection each), for
/// every consumer that hands its messages to a <see cref="Platform.ServiceDefaults.GroupCommitBatcher{TMessage, TResult}"/>.
/// The failure policy is the platform's, set once in <c>AddPlatformMessaging</c>.
/// </summary>
internal sealed class BatchedConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public BatchedConsumerDefinition(AggregationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConcurrentMessageLimit = options.ConcurrentMessages;
        Endpoint(e => e.PrefetchCount = options.ConcurrentMessages);
    }
}
