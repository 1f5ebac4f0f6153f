namespace Platform.Aggregation.Persistence.Entities;

/// <summary>A timeline entry (table <c>customer_activities</c>).</summary>
internal sealed class CustomerActivity
{
    public long Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public Guid? ClientId { get; set; }
    public string Source { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public long RawRecordId { get; set; }
    public string Type { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Status { get; set; }
    public decimal? Amount { get; set; }
    public string? Currency { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset SourceUpdatedAt { get; set; }
    public string DedupeKey { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
}
