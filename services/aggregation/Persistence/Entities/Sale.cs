namespace Platform.Aggregation.Persistence.Entities;

/// <summary>One source money record (table <c>sales</c>), latest version by the source's updated-at.</summary>
internal sealed class Sale
{
    public long Id { get; set; }
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public Guid? ClientId { get; set; }
    public string Kind { get; set; } = "";
    /// <summary>Normalised, after the refunds and disputes that point at the sale.</summary>
    public string Status { get; set; } = "";
    /// <summary>Normalised status of the version held, as the source sent it.</summary>
    public string BaseStatus { get; set; } = "";
    public string SourceStatus { get; set; } = "";
    public decimal? Amount { get; set; }
    public string? Currency { get; set; }
    public decimal RefundedAmount { get; set; }
    public decimal DisputedAmount { get; set; }
    public decimal? NetAmount { get; set; }
    public decimal OwnRefunded { get; set; }
    public decimal OwnDisputed { get; set; }
    public decimal AdjustmentAmount { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string? Product { get; set; }
    public string? ParentRef { get; set; }
    public string? PaymentRef { get; set; }
    public string? InvoiceRef { get; set; }
    public short CoverRank { get; set; }
    /// <summary>External id of the record of the same payment that counts instead of this one.</summary>
    public string? SupersededBy { get; set; }
    /// <summary>A won deal or a paid (or partly refunded) payment that is not superseded: what customer_sales counts.</summary>
    public bool IsCounted { get; set; }
    public long RawRecordId { get; set; }
    public DateTimeOffset SourceUpdatedAt { get; set; }
    /// <summary>The canonical record the row came from (JSON).</summary>
    public string Record { get; set; } = "{}";
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
