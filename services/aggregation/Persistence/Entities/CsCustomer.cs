namespace Platform.Aggregation.Persistence.Entities;

/// <summary>A customer-success customer (table <c>cs_customers</c>).</summary>
internal sealed class CsCustomer
{
    public Guid ClientId { get; set; }
    public string WorkspaceId { get; set; } = "";
    /// <summary><c>active</c> while a reason holds (won deal, paid sale, client tag), <c>inactive</c> after.</summary>
    public string Status { get; set; } = "";
    public string BecameReason { get; set; } = "";
    public DateTimeOffset BecameAt { get; set; }
    public string[] Tags { get; set; } = [];
    public string? PlanoAtual { get; set; }
    public string SgtDadosExtras { get; set; } = "{}";
    public DateTimeOffset? SgtLastSyncAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
