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
    /// <summary>The SGT company (<c>empresa</c>) of the client's latest SGT lead: blue, tokeniza.</summary>
    public string? Empresa { get; set; }
    /// <summary>The customer-success team's notes; written only through the API, never by a recompute.</summary>
    public string? NotasCsm { get; set; }
    public DateTimeOffset? NotasCsmUpdatedAt { get; set; }
    public string? NotasCsmUpdatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
