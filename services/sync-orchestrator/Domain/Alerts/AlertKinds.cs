namespace Platform.SyncOrchestrator.Domain.Alerts;

internal static class AlertKinds
{
    /// <summary>The connector reported the run failed (not a cancellation).</summary>
    public const string RunFailed = "run_failed";

    /// <summary>No progress for longer than <c>SyncOrchestrator:Alerts:StuckAfter</c>.</summary>
    public const string RunStuck = "run_stuck";

    public static readonly string[] All = [RunFailed, RunStuck];
}

internal static class WebhookStatuses
{
    public const string NotConfigured = "not_configured";
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>Wakes the webhook notifier when an alert is raised.</summary>
internal sealed class AlertSignal : IDisposable
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
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
