using MassTransit;

namespace Platform.ServiceDefaults;

/// <summary>
/// Endpoint settings of a consumer that hands its messages to a <see cref="GroupCommitBatcher{TMessage, TResult}"/>:
/// a number of messages held (and prefetched) at once, so batches can form while they wait on the batcher
/// rather than on a database connection each. The failure policy is the platform's, set once in
/// <c>AddPlatformMessaging</c>.
/// </summary>
public abstract class HeldMessagesDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    /// <param name="held">Messages held and prefetched at once (at least 1).</param>
    protected HeldMessagesDefinition(int held)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(held, 1);
        ConcurrentMessageLimit = held;
        Endpoint(e => e.PrefetchCount = held);
    }
}
