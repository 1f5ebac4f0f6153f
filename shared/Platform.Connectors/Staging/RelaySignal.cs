namespace Platform.Connectors.Staging;

/// <summary>Wakes a background loop at once instead of at its next poll; many notifications before it runs count as one.</summary>
public abstract class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers everything so far.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _signal.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Wakes the outbox relay as soon as rows commit.</summary>
public sealed class RelaySignal : WakeSignal;
