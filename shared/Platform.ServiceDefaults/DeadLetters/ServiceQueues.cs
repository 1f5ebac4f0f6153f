using MassTransit;

namespace Platform.ServiceDefaults.DeadLetters;

/// <summary>The durable queues this service consumes from, learnt from MassTransit as its receive endpoints start.</summary>
public sealed class ServiceQueues
{
    private readonly Lock _lock = new();
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock)
            {
                return [.. _names];
            }
        }
    }

    public bool Contains(string queue)
    {
        lock (_lock)
        {
            return _names.Contains(queue);
        }
    }

    internal void Add(Uri inputAddress)
    {
        // The bus's own reply endpoint is temporary (auto-delete, no _error queue worth watching).
        if (inputAddress.Query.Contains("temporary=true", StringComparison.OrdinalIgnoreCase)
            || inputAddress.Query.Contains("autodelete=", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var name = inputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1];
        if (name.Length == 0)
        {
            return;
        }
        lock (_lock)
        {
            _names.Add(name);
        }
    }
}

internal sealed class ServiceQueuesObserver(ServiceQueues queues) : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        queues.Add(ready.InputAddress);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
