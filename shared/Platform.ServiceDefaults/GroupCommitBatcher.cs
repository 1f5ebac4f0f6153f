using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>
/// Group commit for consumers: concurrent consumers hand their message here and wait; one drain loop per key
/// (a workspace) takes everything waiting, up to the batch size, and processes it in one call (one transaction),
/// so under load a transaction carries hundreds of messages while a lone message still goes through at once.
/// When a batch fails, its messages are processed one by one, so only a message that fails on its own fails its
/// consumer (and gets the platform's retry and error-queue policy) — which a MassTransit <c>Batch&lt;T&gt;</c>
/// consumer cannot do: it fails every message of the batch.
/// Two lanes per key: messages submitted alone (a webhook's record, the live path) go before the items of bulk messages
/// (<see cref="SubmitAllAsync"/>: a sync run's records, a backfill's links), which fill the rest of each batch and always
/// get at least a quarter of it while they wait. A live message waits for the batch in progress, not behind a backlog
/// of bulk items: with one queue, the webhooks arriving during a large "Unify all" waited for their place among its
/// records (bench e2e, 50,000 deferred + 50,000 webhooks: a webhook staged -> resolved p50 49-72 s in three runs).
/// </summary>
/// <typeparam name="TMessage">The consumed message.</typeparam>
/// <typeparam name="TResult">What each message's consumer gets back (the events to publish for it, say).</typeparam>
public abstract partial class GroupCommitBatcher<TMessage, TResult>(int maxBatchSize, Func<TMessage, string> keyOf, ILogger logger)
    where TMessage : class
{
    private readonly Dictionary<string, Lanes> _waiting = [];
    private readonly HashSet<string> _draining = [];
    private readonly Lock _lock = new();

    /// <summary>Processes a batch of messages of one key; returns one result per message, in order.</summary>
    protected abstract Task<IReadOnlyList<TResult>> ProcessAsync(IReadOnlyList<TMessage> batch, CancellationToken cancellationToken);

    /// <summary>Completes when the message was processed (in some batch), with its result. A message submitted alone is live.</summary>
    public Task<TResult> SubmitAsync(TMessage message, CancellationToken cancellationToken) => Submit(message, bulk: false, cancellationToken);

    private Task<TResult> Submit(TMessage message, bool bulk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = keyOf(message);
        var pending = new Pending(message, cancellationToken);
        bool startDrain;
        lock (_lock)
        {
            if (!_waiting.TryGetValue(key, out var lanes))
            {
                _waiting[key] = lanes = new Lanes();
            }
            (bulk ? lanes.Bulk : lanes.Live).Enqueue(pending);
            startDrain = _draining.Add(key);
        }
        if (startDrain)
        {
            _ = Task.Run(() => DrainAsync(key), CancellationToken.None);
        }
        return pending.Completion.Task;
    }

    /// <summary>
    /// Submits every message of a bulk message and waits for them all; a message that failed on its own (the batch it
    /// was in has already been retried one by one) is returned among <c>Failed</c> instead of failing the others, so
    /// the caller can send it on alone and only it meets the retry policy and the <c>_error</c> queue.
    /// </summary>
    public async Task<(IReadOnlyList<TResult> Results, IReadOnlyList<TMessage> Failed)> SubmitAllAsync(
        IReadOnlyList<TMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var submitted = messages.Select(m => Submit(m, bulk: true, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(submitted).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Each message's outcome is read below: a failure is that message's alone.
        catch (Exception) when (!submitted.Any(t => t.IsCanceled))
#pragma warning restore CA1031
        {
        }
        var results = submitted.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList();
        var failed = messages.Where((_, i) => submitted[i].IsFaulted).ToList();
        return (results, failed);
    }

    private async Task DrainAsync(string key)
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_lock)
            {
                var lanes = _waiting[key];
                // Live first, leaving bulk items a quarter of the batch (when they wait); then whichever still waits.
                Take(lanes.Live, lanes.Bulk.Count > 0 ? maxBatchSize - Math.Max(1, maxBatchSize / 4) : maxBatchSize, batch);
                Take(lanes.Bulk, maxBatchSize, batch);
                Take(lanes.Live, maxBatchSize, batch);
                if (batch.Count == 0)
                {
                    _waiting.Remove(key);
                    _draining.Remove(key);
                    return;
                }
            }
            await RunAsync(batch, key);
        }
    }

    /// <summary>Moves waiting messages from <paramref name="lane"/> into <paramref name="batch"/> until it holds <paramref name="upTo"/>.</summary>
    private static void Take(Queue<Pending> lane, int upTo, List<Pending> batch)
    {
        while (lane.Count > 0 && batch.Count < upTo)
        {
            var next = lane.Dequeue();
            if (next.CancellationToken.IsCancellationRequested)
            {
                // The consumer gave up (shutdown): the message is not acknowledged and comes back later.
                next.Completion.TrySetCanceled(next.CancellationToken);
                continue;
            }
            batch.Add(next);
        }
    }

    private async Task RunAsync(List<Pending> batch, string key)
    {
        try
        {
            // Not the consumers' tokens: the transaction finishes (or rolls back) as a whole once started.
            var results = await ProcessAsync(batch.Select(p => p.Message).ToList(), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
#pragma warning disable CA1031 // Every failure is handed to the consumer that owns the message.
        catch (Exception ex) when (batch.Count > 1)
        {
            LogBatchFailed(logger, ex, batch.Count, key);
            foreach (var pending in batch)
            {
                await RunAsync([pending], key);
            }
        }
        catch (Exception ex)
        {
            batch[0].Completion.TrySetException(ex);
        }
#pragma warning restore CA1031
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} messages for {Key} failed; processing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, string key);

    private sealed class Lanes
    {
        public Queue<Pending> Live { get; } = new();
        public Queue<Pending> Bulk { get; } = new();
    }

    private sealed record Pending(TMessage Message, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
