using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.SourceSimulator.Domain.Sgt;

/// <summary>Leads as SGT writes them: snake_case, Brasília offsets, money as JSON numbers, extras at the top level, nulls kept.</summary>
internal static class SgtJson
{
    public static JsonObject Lead(SgtLead lead) => new()
    {
        ["lead_id"] = lead.LeadId,
        ["nome"] = lead.Nome,
        ["email"] = lead.Email,
        ["telefone"] = lead.Telefone,
        ["cpf"] = lead.Cpf,
        ["empresa"] = lead.Empresa,
        ["stage"] = lead.Stage,
        ["venda_realizada"] = lead.VendaRealizada,
        ["is_cliente"] = lead.IsCliente,
        ["created_at"] = Date(lead.CreatedAt),
        ["updated_at"] = Date(lead.UpdatedAt),
        ["tokeniza_valor_investido"] = lead.TokenizaValorInvestido,
        ["tokeniza_qtd_investimentos"] = lead.TokenizaQtdInvestimentos,
        ["tokeniza_projetos"] = lead.TokenizaProjetos is null ? null : new JsonArray([.. lead.TokenizaProjetos.Select(p => (JsonNode?)p)]),
        ["irpf_renda_anual"] = lead.IrpfRendaAnual,
        ["irpf_patrimonio_liquido"] = lead.IrpfPatrimonioLiquido,
        ["irpf_perfil_investidor"] = lead.IrpfPerfilInvestidor,
        ["ga4_engajamento_score"] = lead.Ga4EngajamentoScore,
        ["stape_paginas_visitadas"] = lead.StapePaginasVisitadas,
        ["mautic_score"] = lead.MauticScore,
        ["mautic_tags"] = new JsonArray([.. lead.MauticTags.Select(t => (JsonNode?)t)]),
        ["cliente_status"] = lead.ClienteStatus,
        ["plano_atual"] = lead.PlanoAtual,
    };

    public static string Date(DateTimeOffset value) =>
        value.ToOffset(SgtData.Brasilia).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
}
