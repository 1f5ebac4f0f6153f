namespace Platform.SyncOrchestrator.Persistence.Entities;

/// <summary>
/// Something an operator should look at (a failed or stuck run), raised once per run and kind. The row is the
/// outbox of its webhook notification.
/// </summary>
internal sealed class Alert
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";
    public Guid? RunId { get; set; }

    /// <summary><c>run_failed</c> or <c>run_stuck</c>.</summary>
    public string Kind { get; set; } = "";
    public string Message { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary><c>not_configured</c>, <c>pending</c>, <c>delivered</c> or <c>failed</c>.</summary>
    public string WebhookStatus { get; set; } = "";
    public int WebhookAttempts { get; set; }
    public DateTimeOffset? WebhookNextAttemptAt { get; set; }
    public string? WebhookLastError { get; set; }
    public DateTimeOffset? WebhookDeliveredAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
}
