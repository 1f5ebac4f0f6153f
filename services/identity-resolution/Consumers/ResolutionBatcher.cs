using MassTransit;
using Platform.Contracts.Connectors;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.IdentityResolution.Consumers;

/// <summary>
/// Staged records resolved in group commits per workspace; each consumer gets the events to publish for its message. A
/// batch of several messages (webhooks arriving together, bulk messages' records) publishes what it changed itself,
/// after its commit and before any of its consumers completes, coalesced as a bulk message's records are
/// (<see cref="RawRecordsStagedConsumer.Coalesce"/>: the links in <c>RecordsLinked</c>, each changed client once in
/// <c>ClientsUpdated</c>), and its consumers publish nothing more. A lone message still publishes its own
/// <c>RecordLinked</c> and <c>ClientUpdated</c>. If the publish fails the batch fails: its messages are resolved again
/// one at a time, and a replay publishes each record and client as they are.
/// </summary>
internal sealed class ResolutionBatcher(IdentityResolver resolver, IBus bus, IdentityResolutionOptions options, ILogger<ResolutionBatcher> logger)
    : GroupCommitBatcher<RawRecordStaged, IReadOnlyList<object>>(options.MaxBatchSize, m => m.WorkspaceId, logger)
{
    protected override async Task<IReadOnlyList<IReadOnlyList<object>>> ProcessAsync(IReadOnlyList<RawRecordStaged> batch, CancellationToken cancellationToken)
    {
        var events = await resolver.ResolveAsync(batch, cancellationToken);
        PlatformMetrics.RecordsResolved(batch.Count);
        if (batch.Count > 1 && options.CoalesceBatchEvents)
        {
            var coalesced = RawRecordsStagedConsumer.Coalesce(batch[0].WorkspaceId, events.OrderBy(e => e.Origin).Select(e => e.Message));
            await Task.WhenAll(coalesced.Select(e => bus.Publish(e, e.GetType(), cancellationToken)));
            return batch.Select(_ => (IReadOnlyList<object>)[]).ToList();
        }
        var byOrigin = events.ToLookup(e => e.Origin, e => e.Message);
        return Enumerable.Range(0, batch.Count).Select(i => (IReadOnlyList<object>)byOrigin[i].ToList()).ToList();
    }
}
