using MassTransit;
using Platform.Contracts.Connectors;
using Platform.IdentityResolution.Domain.Resolution;

namespace Platform.IdentityResolution.Consumers;

/// <summary>
/// Resolves the records of a sync run a relay published together (<see cref="RawRecordsStaged"/>): each joins the group
/// commits of <see cref="ResolutionBatcher"/> as a lone <see cref="RawRecordStaged"/> would, and what changed is
/// published after the commits. A record that fails on its own (the batcher has retried it alone) goes back to the
/// broker as a <see cref="RawRecordStaged"/> of its own, so only it meets the retry policy and the <c>_error</c> queue,
/// never the hundred records it came with.
/// </summary>
internal sealed class RawRecordsStagedConsumer(ResolutionBatcher batcher) : IConsumer<RawRecordsStaged>
{
    public async Task Consume(ConsumeContext<RawRecordsStaged> context)
    {
        var records = context.Message.Records;
        var resolved = records.Select(r => batcher.SubmitAsync(r, context.CancellationToken)).ToList();
        try
        {
            await Task.WhenAll(resolved);
        }
#pragma warning disable CA1031 // Each record's outcome is read below: a failure is that record's alone.
        catch (Exception) when (resolved.All(t => t.IsCompleted) && !resolved.Any(t => t.IsCanceled))
#pragma warning restore CA1031
        {
        }
        var events = resolved.Where(t => t.IsCompletedSuccessfully).SelectMany(t => t.Result).ToList();
        var failed = records.Where((_, i) => resolved[i].IsFaulted).ToList();
        await Task.WhenAll(events.Select(e => context.Publish(e, e.GetType(), context.CancellationToken)));
        await Task.WhenAll(failed.Select(r => context.Publish(r, c => c.CorrelationId = r.CorrelationId, context.CancellationToken)));
    }
}

/// <summary>
/// Endpoint settings for <see cref="RawRecordsStagedConsumer"/>: a few bulk messages at once (each holds up to a few
/// hundred records), enough for the batcher to fill its transactions.
/// </summary>
internal sealed class RawRecordsStagedConsumerDefinition : ConsumerDefinition<RawRecordsStagedConsumer>
{
    public RawRecordsStagedConsumerDefinition(IdentityResolutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConcurrentMessageLimit = options.ConcurrentBulkMessages;
        Endpoint(e => e.PrefetchCount = options.ConcurrentBulkMessages);
    }
}
