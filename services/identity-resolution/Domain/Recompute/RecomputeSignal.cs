namespace Platform.IdentityResolution.Domain.Recompute;

/// <summary>Wakes this instance's runner when a job is queued here (other instances find it when they next poll).</summary>
internal sealed class RecomputeSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake: one wake-up covers every job queued meanwhile.
        }
    }

    public void Dispose() => _wake.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
