using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.ServiceDefaults.Tests;

public sealed class GroupCommitBatcherTests
{
    /// <summary>Records each batch; the first one waits for <see cref="Release"/>, so the others can queue up behind it.</summary>
    private sealed class RecordingBatcher(int maxBatchSize) : GroupCommitBatcher<string, string>(maxBatchSize, _ => "workspace", NullLogger.Instance)
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string[]> Batches { get; } = [];

        public Task FirstStarted => _firstStarted.Task;

        public void Release() => _gate.TrySetResult();

        protected override async Task<IReadOnlyList<string>> ProcessAsync(IReadOnlyList<string> batch, CancellationToken cancellationToken)
        {
            lock (Batches)
            {
                Batches.Add([.. batch]);
            }
            _firstStarted.TrySetResult();
            await _gate.Task;
            return batch.Select(m => m + " done").ToList();
        }
    }

    [Fact]
    public async Task Messages_submitted_alone_go_before_the_bulk_items_queued_ahead_of_them_which_keep_a_quarter_of_each_batch()
    {
        var batcher = new RecordingBatcher(maxBatchSize: 4);
        var first = batcher.SubmitAsync("live-0", CancellationToken.None);
        await batcher.FirstStarted.WaitAsync(TimeSpan.FromSeconds(10));

        // While the first batch runs: a bulk message of ten items, then eight live messages.
        var bulk = batcher.SubmitAllAsync([.. Enumerable.Range(0, 10).Select(i => $"bulk-{i}")], CancellationToken.None);
        var live = Enumerable.Range(1, 8).Select(i => batcher.SubmitAsync($"live-{i}", CancellationToken.None)).ToList();
        batcher.Release();

        var (results, failed) = await bulk.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.WhenAll(live).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("live-0 done", await first);
        Assert.Empty(failed);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"bulk-{i} done"), results);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"live-{i} done"), live.Select(t => t.Result));
        Assert.Equal(
        [
            ["live-0"],
            ["live-1", "live-2", "live-3", "bulk-0"],
            ["live-4", "live-5", "live-6", "bulk-1"],
            ["live-7", "live-8", "bulk-2", "bulk-3"],
            ["bulk-4", "bulk-5", "bulk-6", "bulk-7"],
            ["bulk-8", "bulk-9"],
        ], batcher.Batches);
    }

    [Fact]
    public async Task Without_live_messages_bulk_items_fill_whole_batches_in_their_order()
    {
        var batcher = new RecordingBatcher(maxBatchSize: 4);
        var first = batcher.SubmitAllAsync(["a"], CancellationToken.None);
        await batcher.FirstStarted.WaitAsync(TimeSpan.FromSeconds(10));
        var rest = batcher.SubmitAllAsync(["b", "c", "d", "e", "f"], CancellationToken.None);
        batcher.Release();
        await Task.WhenAll(first, rest).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([["a"], ["b", "c", "d", "e"], ["f"]], batcher.Batches);
    }
}
