using Platform.SourceSimulator.Domain.People;

namespace Platform.SourceSimulator.Domain.Sgt;

/// <summary>
/// One lead of the SGT (the companies' internal lead system) as its contract lists it: identifiers, pipeline stage,
/// the sale flags and the enrichment fields customer success reads (<c>cs_customers.sgt_dados_extras</c>).
/// </summary>
internal sealed class SgtLead
{
    public required long LeadId { get; init; }
    public required string Empresa { get; init; }
    public required Person Person { get; init; }
    public required string Nome { get; init; }
    public string? Email { get; set; }
    public string? Telefone { get; set; }
    public string? Cpf { get; init; }

    /// <summary>Lead, MQL, SQL, Oportunidade, Cliente, Perdido, Ex-cliente.</summary>
    public required string Stage { get; set; }
    public bool VendaRealizada { get; set; }

    /// <summary>The flag the old 50-a-day job filtered on; it does not decide who is a customer.</summary>
    public bool IsCliente { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; set; }

    public decimal? TokenizaValorInvestido { get; set; }
    public int? TokenizaQtdInvestimentos { get; set; }
    public List<string>? TokenizaProjetos { get; set; }
    public decimal? IrpfRendaAnual { get; set; }
    public decimal? IrpfPatrimonioLiquido { get; set; }
    public string? IrpfPerfilInvestidor { get; set; }
    public int? Ga4EngajamentoScore { get; set; }
    public int? StapePaginasVisitadas { get; set; }
    public int? MauticScore { get; set; }
    public List<string> MauticTags { get; set; } = [];
    public string? ClienteStatus { get; set; }
    public string? PlanoAtual { get; set; }

    /// <summary>What SGT calls a customer: a sale was made or the lead reached the stage "Cliente".</summary>
    public bool IsCustomer => VendaRealizada || Stage == SgtData.CustomerStage;
}
