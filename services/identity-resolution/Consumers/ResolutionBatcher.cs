using Platform.Contracts.Connectors;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.IdentityResolution.Consumers;

/// <summary>Staged records resolved in group commits per workspace; each consumer gets the events to publish for its message.</summary>
internal sealed class ResolutionBatcher(IdentityResolver resolver, IdentityResolutionOptions options, ILogger<ResolutionBatcher> logger)
    : GroupCommitBatcher<RawRecordStaged, IReadOnlyList<object>>(options.MaxBatchSize, m => m.WorkspaceId, logger)
{
    protected override async Task<IReadOnlyList<IReadOnlyList<object>>> ProcessAsync(IReadOnlyList<RawRecordStaged> batch, CancellationToken cancellationToken)
    {
        var events = await resolver.ResolveAsync(batch, cancellationToken);
        PlatformMetrics.RecordsResolved(batch.Count);
        var byOrigin = events.ToLookup(e => e.Origin, e => e.Message);
        return Enumerable.Range(0, batch.Count).Select(i => (IReadOnlyList<object>)byOrigin[i].ToList()).ToList();
    }
}
