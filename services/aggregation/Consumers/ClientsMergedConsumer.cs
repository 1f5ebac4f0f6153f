using MassTransit;
using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;

namespace Platform.Aggregation.Consumers;

/// <summary>Re-points the merged clients' sales, records and timeline to the survivor and recomputes them all.</summary>
internal sealed class ClientsMergedConsumer(Aggregator aggregator) : IConsumer<ClientsMerged>
{
    public Task Consume(ConsumeContext<ClientsMerged> context) => aggregator.MergeAsync(context.Message, context.CancellationToken);
}
