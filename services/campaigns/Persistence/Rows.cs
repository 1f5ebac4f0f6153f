namespace Platform.Campaigns.Persistence;

// Rows as Dapper reads them (snake_case columns; timestamptz as UTC DateTime; jsonb as text).
#pragma warning disable CA1812 // Instantiated by Dapper.

internal sealed class AudienceRow
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Definition { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class TargetGroupRow
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string CrmName { get; set; } = "";
    public string? PostgresTable { get; set; }
    public Guid? AudienceId { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class CampaignRow
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Status { get; set; } = "";
    public string WorkflowData { get; set; } = "";
    public string? CreatedBy { get; set; }
    public DateTime? ScheduledAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class ExecutionRow
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string ExecutionType { get; set; } = "";
    public string Status { get; set; } = "";
    public string? TriggerKey { get; set; }
    public string ExecutionData { get; set; } = "";
    public string Metrics { get; set; } = "";
    public string? Error { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

internal sealed class RecipientRow
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid ExecutionId { get; set; }
    public Guid CustomerId { get; set; }
    public string StepId { get; set; } = "";
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string Channel { get; set; } = "";
    public string Status { get; set; } = "";
    public string? FailureReason { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime? OpenedAt { get; set; }
    public DateTime? ClickedAt { get; set; }
}

internal sealed class MetricsRow
{
    public Guid CampaignId { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Name { get; set; } = "";
    public long TotalRecipients { get; set; }
    public long Sent { get; set; }
    public long Delivered { get; set; }
    public long Opened { get; set; }
    public long Clicked { get; set; }
    public long Failed { get; set; }
    public decimal? DeliveryRate { get; set; }
    public decimal? OpenRate { get; set; }
    public decimal? ClickRate { get; set; }
}

internal sealed class ActiveCampaignRow
{
    public Guid Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Status { get; set; } = "";
    public string? CreatedBy { get; set; }
    public DateTime? ScheduledAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public long TotalRecipients { get; set; }
    public long PendingRecipients { get; set; }
    public long SentRecipients { get; set; }
    public long FailedRecipients { get; set; }
}

#pragma warning restore CA1812
