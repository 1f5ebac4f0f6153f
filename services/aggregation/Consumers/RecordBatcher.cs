using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Aggregation.Consumers;

/// <summary>Linked records aggregated in group commits per workspace (see <see cref="GroupCommitBatcher{TMessage, TResult}"/>).</summary>
internal sealed class RecordBatcher(Aggregator aggregator, AggregationOptions options, ILogger<RecordBatcher> logger)
    : GroupCommitBatcher<RecordLinked, bool>(options.MaxBatchSize, m => m.WorkspaceId, logger)
{
    protected override async Task<IReadOnlyList<bool>> ProcessAsync(IReadOnlyList<RecordLinked> batch, CancellationToken cancellationToken)
    {
        await aggregator.AggregateAsync(batch, cancellationToken);
        PlatformMetrics.RecordsAggregated(batch.Count);
        return batch.Select(_ => true).ToList();
    }
}
