using Platform.Aggregation.Domain;
using Platform.Contracts.IdentityResolution;

namespace Platform.Aggregation.Consumers;

/// <summary>
/// Group commit for linked records: concurrent consumers hand their message here and wait; one drain loop per workspace
/// takes everything waiting (up to the batch size) and aggregates it in one transaction, so under load a transaction
/// carries hundreds of records while a lone record still goes through at once. When a batch fails, its messages are
/// retried one by one, so only a message that fails on its own fails its consumer (and gets the platform's retry and
/// error-queue policy) — which a MassTransit <c>Batch&lt;T&gt;</c> consumer cannot do: it fails every message of the batch.
/// </summary>
internal sealed partial class RecordBatcher(Aggregator aggregator, AggregationOptions options, ILogger<RecordBatcher> logger)
{
    private readonly Dictionary<string, Queue<Pending>> _waiting = [];
    private readonly HashSet<string> _draining = [];
    private readonly Lock _lock = new();

    /// <summary>Completes when the message's record is aggregated and its events published.</summary>
    public Task SubmitAsync(RecordLinked message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var pending = new Pending(message, cancellationToken);
        bool startDrain;
        lock (_lock)
        {
            if (!_waiting.TryGetValue(message.WorkspaceId, out var queue))
            {
                _waiting[message.WorkspaceId] = queue = new Queue<Pending>();
            }
            queue.Enqueue(pending);
            startDrain = _draining.Add(message.WorkspaceId);
        }
        if (startDrain)
        {
            _ = Task.Run(() => DrainAsync(message.WorkspaceId), CancellationToken.None);
        }
        return pending.Completion.Task;
    }

    private async Task DrainAsync(string workspaceId)
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_lock)
            {
                var queue = _waiting[workspaceId];
                while (queue.Count > 0 && batch.Count < options.MaxBatchSize)
                {
                    var next = queue.Dequeue();
                    if (next.CancellationToken.IsCancellationRequested)
                    {
                        // The consumer gave up (shutdown): the message is not acknowledged and comes back later.
                        next.Completion.TrySetCanceled(next.CancellationToken);
                        continue;
                    }
                    batch.Add(next);
                }
                if (batch.Count == 0)
                {
                    _waiting.Remove(workspaceId);
                    _draining.Remove(workspaceId);
                    return;
                }
            }
            await AggregateAsync(batch);
        }
    }

    private async Task AggregateAsync(List<Pending> batch)
    {
        try
        {
            // Not the consumers' tokens: the transaction finishes (or rolls back) as a whole once started.
            await aggregator.AggregateAsync(batch.Select(p => p.Message).ToList(), CancellationToken.None);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult();
            }
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            LogBatchFailed(logger, ex, batch.Count, batch[0].Message.WorkspaceId);
            foreach (var pending in batch)
            {
                await AggregateAsync([pending]);
            }
        }
        catch (Exception ex)
        {
            batch[0].Completion.TrySetException(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} linked records in workspace {WorkspaceId} failed; aggregating them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, string workspaceId);

    private sealed record Pending(RecordLinked Message, CancellationToken CancellationToken)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
