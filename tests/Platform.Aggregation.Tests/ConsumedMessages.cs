using System.Collections.Concurrent;
using MassTransit;
using Platform.Contracts.Connectors;
using Platform.Contracts.IdentityResolution;

namespace Platform.Aggregation.Tests;

/// <summary>
/// Counts the messages the service finished consuming, per workspace: a consumer completes after its transaction
/// committed and its events were published, so a test that waits for its messages here reads settled tables — a
/// replay included, which changes nothing a test could otherwise wait for.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, string> _done = new();
    private readonly ConcurrentDictionary<Guid, (string Workspace, string Error)> _faulted = new();

    public int Count(string workspaceId) => _done.Values.Count(w => w == workspaceId);

    /// <summary>The errors of the workspace's messages that failed (an attempt; the platform retries them).</summary>
    public IReadOnlyList<string> Faults(string workspaceId) => _faulted.Values.Where(f => f.Workspace == workspaceId).Select(f => f.Error).ToList();

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (WorkspaceOf(context.Message) is { } workspace && context.MessageId is { } id)
        {
            _done[id] = workspace;
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        if (WorkspaceOf(context.Message) is { } workspace && context.MessageId is { } id)
        {
            _faulted[id] = (workspace, exception.ToString());
        }
        return Task.CompletedTask;
    }

    private static string? WorkspaceOf(object message) => message switch
    {
        RecordLinked m => m.WorkspaceId,
        RecordsLinked m => m.WorkspaceId,
        ClientsUpdated m => m.WorkspaceId,
        ClientsMerged m => m.WorkspaceId,
        ClientSplit m => m.WorkspaceId,
        ClientUpdated m => m.WorkspaceId,
        SyncCompleted m => m.WorkspaceId,
        _ => null,
    };
}
