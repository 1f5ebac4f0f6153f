namespace Platform.SyncOrchestrator.Hosting;

/// <summary>The <c>SyncOrchestrator</c> configuration section.</summary>
internal sealed class OrchestratorOptions
{
    public const string Section = "SyncOrchestrator";

    /// <summary>Deployed connectors by source name (<c>SyncOrchestrator:Connectors:{source}:Address</c>).</summary>
    public Dictionary<string, ConnectorEndpointOptions> Connectors { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long <c>/api/sources</c> waits for a connector's <c>/internal/status</c> before calling it unreachable.</summary>
    public TimeSpan StatusTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public SchedulerOptions Scheduler { get; set; } = new();

    public AlertOptions Alerts { get; set; } = new();

    public DispatchOptions Dispatch { get; set; } = new();
}

internal sealed class ConnectorEndpointOptions
{
    /// <summary>Base address of the connector's HTTP host (<c>http://127.0.0.1:5103/</c>).</summary>
    public Uri? Address { get; set; }
}

internal sealed class SchedulerOptions
{
    /// <summary>How often due schedules are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Cron of a schedule created without one: daily at 09:00.</summary>
    public string DefaultCron { get; set; } = "0 9 * * *";

    /// <summary>Time zone of a schedule created without one.</summary>
    public string DefaultTimeZone { get; set; } = "America/Sao_Paulo";
}

internal sealed class AlertOptions
{
    /// <summary>A run with no progress for this long is stuck.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often active runs are checked for being stuck.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional Slack-compatible incoming webhook; empty sends nothing.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>
    /// Waits between webhook attempts; one attempt more than there are delays. Empty means the defaults
    /// (5 s, 30 s, 2 min, 10 min): the configuration binder appends to an initialised array instead of replacing it.
    /// </summary>
    public TimeSpan[] WebhookRetryDelays { get; set; } = [];

    public static readonly TimeSpan[] DefaultWebhookRetryDelays =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    public TimeSpan[] RetryDelays => WebhookRetryDelays.Length > 0 ? WebhookRetryDelays : DefaultWebhookRetryDelays;

    /// <summary>Timeout of one webhook attempt.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often pending webhook deliveries are looked for when nothing woke the notifier.</summary>
    public TimeSpan WebhookPollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class DispatchOptions
{
    /// <summary>How often runs whose StartSync or CancelSync was not sent yet are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A command not confirmed as sent this long after the request is sent again by the dispatcher.</summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request waits for the broker before leaving the command to the dispatcher.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
