using MassTransit;

namespace Platform.ServiceDefaults;

/// <summary>How a consumer applies a bulk message's items (a sync run's <c>RecordsLinked</c>, say) so a failure stays one item's.</summary>
public static class BulkItems
{
    /// <summary>
    /// Hands every item to <paramref name="batcher"/> and waits for them all; an item that fails on its own (the batcher
    /// has retried it alone) is sent by itself to <paramref name="alone"/>, the queue of the service's consumer of a lone
    /// item, so only it meets the retry policy and the <c>_error</c> queue, and no other subscriber sees it twice.
    /// </summary>
    public static async Task SubmitAsync<T, TResult>(ConsumeContext context, GroupCommitBatcher<T, TResult> batcher, IReadOnlyList<T> items, Uri alone)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(batcher);
        var (_, failed) = await batcher.SubmitAllAsync(items, context.CancellationToken).ConfigureAwait(false);
        if (failed.Count > 0)
        {
            var endpoint = await context.GetSendEndpoint(alone).ConfigureAwait(false);
            await endpoint.SendBatch(failed, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies every item in one go; when that fails, each alone, and an item that still fails is sent back to the
    /// queue the bulk message came from by itself, so only it meets the retry policy and the <c>_error</c> queue, never
    /// the items it came with. The consumer's endpoint must consume a lone <typeparamref name="T"/> too (one consumer
    /// class handling both forms does).
    /// </summary>
    public static async Task ApplyAsync<T>(ConsumeContext context, IReadOnlyList<T> items, Func<IReadOnlyList<T>, CancellationToken, Task> apply)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(apply);
        var cancellationToken = context.CancellationToken;
#pragma warning disable CA1031 // A failure is retried item by item below; a lone item's failure reaches the retry policy.
        try
        {
            await apply(items, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception) when (items.Count > 1 && !cancellationToken.IsCancellationRequested)
        {
        }
        var failed = new List<T>();
        foreach (var item in items)
        {
            try
            {
                await apply([item], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                failed.Add(item);
            }
        }
#pragma warning restore CA1031
        if (failed.Count > 0)
        {
            var alone = await context.GetSendEndpoint(context.ReceiveContext.InputAddress).ConfigureAwait(false);
            await alone.SendBatch(failed, cancellationToken).ConfigureAwait(false);
        }
    }
}
