using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Aggregation.Domain;

/// <summary>
/// The SGT fields customer success asked for (<c>cs_customers.sgt_dados_extras</c>). SGT has no connector yet: they
/// are read from the attributes of SGT records by these names, typed (numbers, booleans, JSON lists) when the text
/// is one, kept as text otherwise.
/// </summary>
internal static class SgtExtras
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "tokeniza_valor_investido",
        "tokeniza_qtd_investimentos",
        "tokeniza_projetos",
        "irpf_renda_anual",
        "irpf_patrimonio_liquido",
        "irpf_perfil_investidor",
        "ga4_engajamento_score",
        "stape_paginas_visitadas",
        "mautic_score",
        "mautic_tags",
        "cliente_status",
        "plano_atual",
    ];

    /// <summary>The extras an SGT record carries, as a JSON object; null when it carries none.</summary>
    public static string? Read(IReadOnlyDictionary<string, string?> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var extras = new JsonObject();
        foreach (var key in Keys)
        {
            if (attributes.TryGetValue(key, out var value) && value is not null)
            {
                extras[key] = Typed(value);
            }
        }
        return extras.Count == 0 ? null : extras.ToJsonString();
    }

    internal static JsonNode? Typed(string value)
    {
        var text = value.Trim();
        if (text.Length == 0)
        {
            return JsonValue.Create(value);
        }
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        // "1.234,56" as SGT's Brazilian screens write money.
        if (text.Contains(',', StringComparison.Ordinal)
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands,
                CultureInfo.GetCultureInfo("pt-BR"), out var brazilian))
        {
            return JsonValue.Create(brazilian);
        }
        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }
        if (text.StartsWith('[') || text.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Text that only looks like JSON stays text.
            }
        }
        return JsonValue.Create(value);
    }
}
