using MassTransit;
using Npgsql;
using Platform.Aggregation.Domain;
using Platform.Aggregation.Persistence;
using Platform.Contracts.IdentityResolution;
using Platform.ServiceDefaults;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// Keeps each client's display name, email and phone for the reports and lists (newest version wins), written in group
/// commits per workspace: a "Unify all" announces about one client per record, and one statement a message was the
/// largest share of the service's database calls (bench e2e: 19,500 single-row upserts for 20,000 records).
/// </summary>
internal sealed class ClientUpdatedConsumer(ClientBatcher batcher) : IConsumer<ClientUpdated>
{
    public Task Consume(ConsumeContext<ClientUpdated> context) => batcher.SubmitAsync(context.Message, context.CancellationToken);
}

/// <summary>Clients' display fields upserted a batch at a time (see <see cref="GroupCommitBatcher{TMessage, TResult}"/>).</summary>
internal sealed class ClientBatcher(NpgsqlDataSource dataSource, AggregationOptions options, ILogger<ClientBatcher> logger)
    : GroupCommitBatcher<ClientUpdated, bool>(options.MaxBatchSize, m => m.WorkspaceId, logger)
{
    protected override async Task<IReadOnlyList<bool>> ProcessAsync(IReadOnlyList<ClientUpdated> batch, CancellationToken cancellationToken)
    {
        await AggregationStore.UpsertClientsAsync(dataSource, batch, cancellationToken);
        return batch.Select(_ => true).ToList();
    }
}
