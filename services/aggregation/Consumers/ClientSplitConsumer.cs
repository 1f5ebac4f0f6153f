using MassTransit;
using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;

namespace Platform.Aggregation.Consumers;

/// <summary>Moves split-out records (and their sales and timeline) to their new clients and recomputes every side.</summary>
internal sealed class ClientSplitConsumer(Aggregator aggregator) : IConsumer<ClientSplit>
{
    public Task Consume(ConsumeContext<ClientSplit> context) => aggregator.SplitAsync(context.Message, context.CancellationToken);
}
