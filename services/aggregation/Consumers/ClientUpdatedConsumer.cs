using MassTransit;
using Npgsql;
using Platform.Aggregation.Persistence;
using Platform.Contracts.IdentityResolution;

namespace Platform.Aggregation.Consumers;

/// <summary>Keeps each client's display name, email and phone for the reports and lists (newest version wins).</summary>
internal sealed class ClientUpdatedConsumer(NpgsqlDataSource dataSource) : IConsumer<ClientUpdated>
{
    public Task Consume(ConsumeContext<ClientUpdated> context) =>
        AggregationStore.UpsertClientAsync(dataSource, context.Message, context.CancellationToken);
}
