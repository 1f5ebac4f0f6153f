using System.Collections.Concurrent;
using MassTransit;
using Npgsql;
using Platform.Aggregation.Persistence;
using Platform.Contracts.IdentityResolution;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Database;

namespace Platform.Aggregation.Domain;

/// <summary>
/// Applies what identity resolution announces to the aggregation tables, one transaction per call holding the
/// workspace's lock: linked records (in batches), merges and splits. Each call recomputes every client it touched from
/// the stored rows, set-based, so the result depends on which records and moves arrived, not on their order, batch
/// boundaries or replays. The events it causes are written to the outbox in the same transaction and published after
/// the commit.
/// </summary>
internal sealed partial class Aggregator(
    NpgsqlDataSource dataSource,
    [FromKeyedServices(PlatformDatabaseExtensions.SessionStateSource)] NpgsqlDataSource batches,
    AggregationOptions options, IBus bus, StatisticsKeeper statistics, ILogger<Aggregator> logger)
{
    // One batch of a workspace at a time in this instance (see AggregationStore.BeginAsync): a burst of merges had grown
    // the pool to 35 connections, each waiting on the advisory lock.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _workspaceGates = new(StringComparer.Ordinal);

    private Task<AggregationStore> BeginAsync(string workspaceId, CancellationToken cancellationToken) =>
        AggregationStore.BeginAsync(batches, workspaceId, _workspaceGates.GetOrAdd(workspaceId, _ => new SemaphoreSlim(1, 1)), cancellationToken);

    /// <summary>Aggregates linked records of one workspace.</summary>
    public async Task AggregateAsync(IReadOnlyList<RecordLinked> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }
        var workspaceId = messages[0].WorkspaceId;
        if (messages.Any(m => m.WorkspaceId != workspaceId))
        {
            throw new ArgumentException("A batch holds records of one workspace only.", nameof(messages));
        }
        var facts = messages.Select((m, i) => RecordFacts.From(i, m)).ToList();
        await statistics.RefreshIfStaleAsync(cancellationToken);
        Guid batchId;
        await using (var store = await BeginAsync(workspaceId, cancellationToken))
        {
            await store.LoadAsync(facts, cancellationToken);
            await store.ApplyRecordsAsync(cancellationToken);
            await store.RecomputeAsync(messages[0].CorrelationId, options.Segments, cancellationToken);
            await store.CommitAsync(cancellationToken);
            batchId = store.BatchId;
        }
        await PublishAsync(batchId, cancellationToken);
    }

    /// <summary>Moves the merged clients' rows to the survivor (or to whoever the survivor was merged into since) and recomputes.</summary>
    public async Task MergeAsync(ClientsMerged message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        Guid batchId;
        await using (var store = await BeginAsync(message.WorkspaceId, cancellationToken))
        {
            var survivor = await store.SurvivorOfAsync(message.SurvivorClientId, cancellationToken);
            var merged = message.MergedClientIds.Append(message.SurvivorClientId).Where(id => id != survivor).Distinct().ToArray();
            // The message's version is the survivor's only when the survivor was not itself merged away meanwhile.
            var survivorVersion = survivor == message.SurvivorClientId ? message.SurvivorVersion : (long?)null;
            await store.ApplyMergeAsync(survivor, survivorVersion, merged, message.CorrelationId, message.MergedAt, cancellationToken);
            await store.RecomputeAsync(message.CorrelationId, options.Segments, cancellationToken);
            await store.CommitAsync(cancellationToken);
            batchId = store.BatchId;
            LogMerged(logger, message.WorkspaceId, merged.Length, survivor);
        }
        await PublishAsync(batchId, cancellationToken);
    }

    /// <summary>Moves the split-out records to their new clients and recomputes both sides.</summary>
    public async Task SplitAsync(ClientSplit message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var moves = message.Moves.Select(m => new MoveWrite(m.Source, m.EntityType, m.ExternalId, m.ToClientId)).ToList();
        Guid batchId;
        await using (var store = await BeginAsync(message.WorkspaceId, cancellationToken))
        {
            await store.ApplySplitAsync(message.ClientId, message.ClientVersion, moves, message.CorrelationId, message.SplitAt, cancellationToken);
            await store.RecomputeAsync(message.CorrelationId, options.Segments, cancellationToken);
            await store.CommitAsync(cancellationToken);
            batchId = store.BatchId;
        }
        await PublishAsync(batchId, cancellationToken);
    }

    /// <summary>
    /// Publishes a committed transaction's events and clears them. If this fails the events stay in the outbox and the
    /// relay publishes them later (a retried message finds nothing changed and writes none).
    /// </summary>
    private async Task PublishAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var events = await Outbox.ReadBatchAsync(dataSource, batchId, cancellationToken);
        if (events.Count == 0)
        {
            return;
        }
        await Task.WhenAll(events.Select(e => bus.Publish(e.Message, e.Message.GetType(), cancellationToken)));
        await Outbox.DeleteAsync(dataSource, events.Select(e => e.Id).ToList(), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workspace {WorkspaceId}: {Count} client(s) merged into {SurvivorId}")]
    private static partial void LogMerged(ILogger logger, string workspaceId, int count, Guid survivorId);
}
