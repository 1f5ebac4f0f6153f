using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Records;

namespace Platform.Connectors.Sgt.Mapping;

/// <summary>
/// The SGT lead contract in one place: which JSON fields are identifiers, person fields, the sale flags and the
/// customer-success extras. A lead is a person with identifiers, so it is a <see cref="EntityType.Contact"/>: it creates
/// or joins a client like any other record. When SGT changes a field name, this file is the one to change.
/// </summary>
public static class SgtLeadMapping
{
    public const string Source = "sgt";

    /// <summary>The stream every lead of a company is read in.</summary>
    public const string LeadsStream = "leads";

    /// <summary>
    /// The enrichment fields kept in <c>cs_customers.sgt_dados_extras</c>; they travel as attributes of these names
    /// (numbers in invariant text, lists as JSON arrays) and aggregation types them back.
    /// </summary>
    public static readonly IReadOnlyList<string> ExtraFields =
    [
        "tokeniza_valor_investido", "tokeniza_qtd_investimentos", "tokeniza_projetos", "irpf_renda_anual",
        "irpf_patrimonio_liquido", "irpf_perfil_investidor", "ga4_engajamento_score", "stape_paginas_visitadas",
        "mautic_score", "mautic_tags", "cliente_status", "plano_atual",
    ];

    /// <summary>Lead fields that say where the lead stands: the company, the pipeline stage and the sale flags.</summary>
    public static readonly IReadOnlyList<string> StatusFields = ["empresa", "stage", "venda_realizada", "is_cliente"];

    /// <summary>The lead's <c>updated_at</c>; a lead without one cannot be ordered against its other versions.</summary>
    public static DateTimeOffset UpdatedAt(JsonElement lead) =>
        Date(lead, "updated_at") ?? throw new JsonException($"SGT lead {Text(lead, "lead_id")} has no updated_at");

    /// <summary>Maps one lead of <c>GET /api/leads</c> (or <c>/buscar</c>) to the canonical record.</summary>
    public static CanonicalRecord Map(JsonElement lead)
    {
        if (lead.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"An SGT lead must be a JSON object, not {lead.ValueKind}");
        }
        var id = Text(lead, "lead_id") ?? throw new JsonException("SGT lead without lead_id");
        var identifiers = new List<Identifier> { new(IdentifierKinds.SgtLeadId, id) };
        Add(identifiers, IdentifierKinds.Email, Text(lead, "email"));
        Add(identifiers, IdentifierKinds.Phone, Text(lead, "telefone"));
        Add(identifiers, IdentifierKinds.Cpf, Text(lead, "cpf"));

        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in StatusFields.Concat(ExtraFields))
        {
            if (Text(lead, field) is { } value)
            {
                attributes[field] = value;
            }
        }
        var name = Text(lead, "nome");
        return new CanonicalRecord
        {
            Source = Source,
            EntityType = EntityType.Contact,
            ExternalId = id,
            SourceUpdatedAt = UpdatedAt(lead),
            Identifiers = identifiers,
            Person = name is null ? null : new PersonFields
            {
                FullName = name,
                FirstName = name.Split(' ', 2)[0],
                LastName = name.Contains(' ', StringComparison.Ordinal) ? name.Split(' ', 2)[1] : null,
                Country = "BR",
            },
            Attributes = attributes,
        };
    }

    private static void Add(List<Identifier> identifiers, string kind, string? value)
    {
        if (value is not null)
        {
            identifiers.Add(new Identifier(kind, value));
        }
    }

    /// <summary>
    /// A field as text: strings trimmed (blank = absent), numbers as written, booleans as true/false, arrays and objects
    /// as SGT wrote them; null or missing = absent.
    /// </summary>
    internal static string? Text(JsonElement lead, string field)
    {
        if (!lead.TryGetProperty(field, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim() is { Length: > 0 } text ? text : null,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Array or JsonValueKind.Object => value.GetRawText(),
            _ => null,
        };
    }

    private static DateTimeOffset? Date(JsonElement lead, string field)
    {
        if (Text(lead, field) is not { } text)
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            throw new FormatException($"SGT lead field {field} is not a date: '{text}'");
        }
        return value;
    }
}
