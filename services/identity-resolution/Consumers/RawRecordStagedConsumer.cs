using MassTransit;
using Platform.Contracts.Connectors;

namespace Platform.IdentityResolution.Consumers;

/// <summary>
/// Resolves every staged record (batched with the others arriving at the same time, see
/// <see cref="ResolutionBatcher"/>) and publishes what changed after the commit. Failures are not caught: the
/// platform retry policy retries them and then parks the message in the <c>_error</c> queue.
/// </summary>
internal sealed class RawRecordStagedConsumer(ResolutionBatcher batcher) : IConsumer<RawRecordStaged>
{
    public async Task Consume(ConsumeContext<RawRecordStaged> context)
    {
        var events = await batcher.SubmitAsync(context.Message, context.CancellationToken);
        // Published after the commit; a replayed record publishes its record and client as they are now, so an
        // event lost between the commit and the publish is recovered by replaying the record.
        await Task.WhenAll(events.Select(e => context.Publish(e, e.GetType(), context.CancellationToken)));
    }
}
