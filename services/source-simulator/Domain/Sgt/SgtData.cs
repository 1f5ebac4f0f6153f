using System.Text.Json.Nodes;
using Platform.SourceSimulator.Domain.People;
using Platform.SourceSimulator.Domain.Stripe;
using Randomizer = Bogus.Randomizer;

namespace Platform.SourceSimulator.Domain.Sgt;

/// <summary>
/// The leads of one SGT company (Blue: tax returns; Tokeniza: tokenised investments). Each lead is a different person;
/// about 45% of the first 500 record slots are people the same seed's Stripe, Hotmart and Ploomes accounts also meet
/// (a 500-record demo account of those sources shares them), the rest exist only in SGT. About 40% of leads are
/// customers (<c>venda_realizada</c> or stage <c>Cliente</c>). Leads are listed by <c>lead_id</c>, so page-number paging
/// never repeats or skips a lead while others change; a change moves <c>updated_at</c>.
/// </summary>
internal sealed class SgtData
{
    /// <summary>The largest <c>per_page</c> SGT accepts.</summary>
    public const int MaxPerPage = 200;

    public const string CustomerStage = "Cliente";

    /// <summary>Share of leads that are customers when generated.</summary>
    public const double CustomerShare = 0.4;

    /// <summary>SGT leads meet the shared people of a source account of this size (the demo accounts' size).</summary>
    public const int SharedWithSize = 500;

    public static readonly TimeSpan Brasilia = TimeSpan.FromHours(-3);

    public static readonly IReadOnlyList<string> Companies = ["blue", "tokeniza"];

    private static readonly string[] OpenStages = ["Lead", "Lead", "MQL", "SQL", "Oportunidade", "Perdido"];
    private static readonly string[] SaleStages = ["Oportunidade", "SQL"];
    private static readonly string[] BluePlans = ["IRPF Essencial", "IRPF Completo", "IRPF Premium", "Consultoria Anual"];
    private static readonly string[] TokenizaPlans = ["Investidor", "Investidor Qualificado", "Investidor Profissional"];
    private static readonly string[] Projects =
        ["Residencial Vila Madalena", "Agro Soja MT 2026", "Loteamento Jardim Europa", "Energia Solar Nordeste", "Crédito Imobiliário 12", "Galpão Logístico Cajamar"];
    private static readonly string[] Profiles = ["conservador", "moderado", "arrojado"];
    private static readonly string[] Tags =
        ["webinar-irpf", "ebook-investimentos", "lista-espera", "cliente-recorrente", "abandonou-checkout", "newsletter", "evento-sp", "indicacao"];
    private static readonly string[] ActiveStatuses = ["ativo", "ativo", "ativo", "inadimplente"];

    private readonly object _sync = new();
    private readonly int _seed;
    private readonly List<SgtLead> _leads = [];
    private long _changes;
    private DateTimeOffset _lastUpdate = DateTimeOffset.MinValue;

    public SgtData(int seed, int size, string company, DateTimeOffset anchor, int historyDays)
    {
        _seed = seed;
        Company = company;
        var index = Companies.ToList().IndexOf(company);
        var people = new Population(seed);
        var start = anchor.AddDays(-historyDays);
        var width = Math.Max(1, (anchor - start).Ticks / size);
        var shared = (long)(Math.Min(size, SharedWithSize) * Population.SharedShare);
        for (var k = 0; k < size; k++)
        {
            var slot = Permute(k, size);
            // Shared people are 4 × slot (Population's scheme); SGT's own people live above every other source's keys.
            var key = slot < shared ? 4 * slot : 5_000_000 + index * 1_000_000L + k;
            var created = start.AddTicks(k * width + (long)Det.Below(Det.Hash(seed, "sgt:created:" + company, k), width));
            _leads.Add(Build(k, index, people.Person(key), created, anchor));
        }
    }

    public string Company { get; }

    public IReadOnlyList<SgtLead> Leads
    {
        get
        {
            lock (_sync)
            {
                return [.. _leads];
            }
        }
    }

    /// <summary>A page of leads (1-based) in lead_id order, those updated at or after <paramref name="updatedSince"/> when given.</summary>
    public (JsonArray Data, int Total) List(int page, int perPage, DateTimeOffset? updatedSince)
    {
        lock (_sync)
        {
            var matching = updatedSince is { } since ? _leads.Where(l => l.UpdatedAt >= since).ToList() : _leads;
            var data = matching.Skip((page - 1) * perPage).Take(perPage).Select(l => (JsonNode?)SgtJson.Lead(l));
            return (new JsonArray([.. data]), matching.Count);
        }
    }

    /// <summary>The lead with this email (any case) or phone (any spelling, compared by its digits); null when none.</summary>
    public JsonObject? Find(string? email, string? telefone)
    {
        lock (_sync)
        {
            var digits = Digits(telefone);
            var lead = _leads.FirstOrDefault(l =>
                (email is { Length: > 0 } && string.Equals(l.Email, email.Trim(), StringComparison.OrdinalIgnoreCase))
                || (digits.Length >= 10 && Digits(l.Telefone) is { Length: >= 10 } own && (own.EndsWith(digits, StringComparison.Ordinal) || digits.EndsWith(own, StringComparison.Ordinal))));
            return lead is null ? null : SgtJson.Lead(lead);
        }
    }

    /// <summary>
    /// Changes <paramref name="count"/> different leads, each with a new updated_at: a quarter of them stop being customers
    /// (stage Ex-cliente, no sale, status cancelado), a quarter become customers, the rest get new scores, tags and
    /// investments. No lead is created, so a sync after it reads exactly these changes.
    /// </summary>
    public ChangeSet Mutate(int count, DateTimeOffset now)
    {
        lock (_sync)
        {
            var picked = new HashSet<long>();
            var updated = new List<ChangedRecord>();
            for (var i = 0; i < Math.Min(count, _leads.Count); i++)
            {
                var rng = new Randomizer(unchecked((int)Det.Hash(_seed, "sgt:change:" + Company, _changes++)));
                var kind = i % 4;
                var lead = Pick(rng, picked, kind switch { 0 => true, 1 => false, _ => true });
                picked.Add(lead.LeadId);
                switch (kind)
                {
                    case 0:
                        lead.VendaRealizada = false;
                        lead.Stage = "Ex-cliente";
                        lead.ClienteStatus = "cancelado";
                        lead.IsCliente = false;
                        break;
                    case 1:
                        lead.VendaRealizada = true;
                        lead.Stage = CustomerStage;
                        lead.ClienteStatus = "ativo";
                        lead.PlanoAtual = rng.ArrayElement(Company == "blue" ? BluePlans : TokenizaPlans);
                        break;
                    default:
                        lead.MauticScore = (lead.MauticScore ?? 0) + rng.Number(5, 40);
                        lead.Ga4EngajamentoScore = rng.Number(0, 100);
                        lead.StapePaginasVisitadas = (lead.StapePaginasVisitadas ?? 0) + rng.Number(1, 30);
                        var tag = rng.ArrayElement(Tags);
                        if (!lead.MauticTags.Contains(tag))
                        {
                            lead.MauticTags = [.. lead.MauticTags, tag];
                        }
                        if (Company == "tokeniza")
                        {
                            lead.TokenizaValorInvestido = (lead.TokenizaValorInvestido ?? 0) + rng.Number(10, 500) * 100m;
                            lead.TokenizaQtdInvestimentos = (lead.TokenizaQtdInvestimentos ?? 0) + 1;
                        }
                        break;
                }
                lead.UpdatedAt = Stamp(now);
                updated.Add(new ChangedRecord("leads", lead.LeadId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            return new ChangeSet(updated, [], []);
        }
    }

    private SgtLead Pick(Randomizer rng, HashSet<long> picked, bool customer)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = _leads[rng.Number(_leads.Count - 1)];
            if (!picked.Contains(candidate.LeadId) && candidate.IsCustomer == customer)
            {
                return candidate;
            }
        }
        return _leads.FirstOrDefault(l => !picked.Contains(l.LeadId) && l.IsCustomer == customer)
            ?? _leads.First(l => !picked.Contains(l.LeadId));
    }

    /// <summary>An updated_at (whole seconds, as SGT writes them) after every earlier change.</summary>
    private DateTimeOffset Stamp(DateTimeOffset now)
    {
        var stamp = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        if (stamp <= _lastUpdate)
        {
            stamp = _lastUpdate.AddSeconds(1);
        }
        _lastUpdate = stamp;
        return stamp;
    }

    /// <summary>An affine permutation of [0, size): which leads meet shared people.</summary>
    private long Permute(long record, long size)
    {
        var h = Det.Hash(_seed, "sgt:permutation:" + Company, 0);
        var a = 1 + Det.Below(h, Math.Max(1, size - 1));
        while (Gcd(a, size) != 1)
        {
            a++;
        }
        return (a * record + Det.Below(Det.Mix(h), size)) % size;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    private SgtLead Build(long k, int companyIndex, Person person, DateTimeOffset created, DateTimeOffset anchor)
    {
        var tag = "sgt:lead:" + Company;
        var rng = Det.Rng(_seed, tag, k);
        var h = Det.Hash(_seed, tag, k);
        var customer = Det.Unit(_seed, "sgt:customer:" + Company, k) < CustomerShare;
        var tokeniza = Company == "tokeniza";
        created = created.AddTicks(-(created.Ticks % TimeSpan.TicksPerSecond));
        var room = (anchor - created).Ticks;
        var updated = rng.Bool(0.3f) || room <= 0 ? created : created.AddTicks((long)(rng.Double() * room));
        updated = updated.AddTicks(-(updated.Ticks % TimeSpan.TicksPerSecond));
        if (updated > _lastUpdate)
        {
            _lastUpdate = updated;
        }
        var stage = customer ? (rng.Bool(0.7f) ? CustomerStage : rng.ArrayElement(SaleStages)) : rng.ArrayElement(OpenStages);
        var investments = tokeniza && customer ? rng.Number(1, 12) : 0;
        return new SgtLead
        {
            LeadId = (companyIndex + 1) * 1_000_000L + k + 1,
            Empresa = Company,
            Person = person,
            Nome = Spelling.Name(person.FullName, h),
            Email = rng.Bool(0.95f) ? Spelling.Email(person, Det.Mix(h ^ 5)) : null,
            Telefone = rng.Bool(0.9f) ? Spelling.Phone(person.Mobile, rng.Number(6)) : null,
            Cpf = rng.Bool(0.7f) ? Spelling.Cpf(person.Cpf, rng.Bool(0.5f)) : null,
            Stage = stage,
            VendaRealizada = customer && (stage != CustomerStage || rng.Bool(0.8f)),
            IsCliente = customer && rng.Bool(0.6f),
            CreatedAt = created,
            UpdatedAt = updated,
            TokenizaValorInvestido = tokeniza ? (customer ? rng.Number(10, 2_500) * 100m + rng.Number(0, 99) / 100m : 0m) : null,
            TokenizaQtdInvestimentos = tokeniza ? investments : null,
            TokenizaProjetos = tokeniza ? [.. Enumerable.Range(0, Math.Min(investments, 3)).Select(_ => rng.ArrayElement(Projects)).Distinct()] : null,
            IrpfRendaAnual = rng.Bool(tokeniza ? 0.3f : 0.8f) ? rng.Number(24, 900) * 1_000m + rng.Number(0, 99) / 100m : null,
            IrpfPatrimonioLiquido = rng.Bool(tokeniza ? 0.3f : 0.6f) ? rng.Number(10, 5_000) * 1_000m : null,
            IrpfPerfilInvestidor = rng.Bool(tokeniza ? 0.9f : 0.5f) ? rng.ArrayElement(Profiles) : null,
            Ga4EngajamentoScore = rng.Bool(0.8f) ? rng.Number(0, 100) : null,
            StapePaginasVisitadas = rng.Bool(0.7f) ? rng.Number(0, 250) : null,
            MauticScore = rng.Number(0, 150),
            MauticTags = [.. Enumerable.Range(0, rng.Number(0, 3)).Select(_ => rng.ArrayElement(Tags)).Distinct()],
            ClienteStatus = customer ? rng.ArrayElement(ActiveStatuses) : null,
            PlanoAtual = customer ? rng.ArrayElement(tokeniza ? TokenizaPlans : BluePlans) : null,
        };
    }

    /// <summary>DDD + number: the digits without the country code 55 or the trunk 0.</summary>
    private static string Digits(string? value)
    {
        var digits = value is null ? "" : new string([.. value.Where(char.IsAsciiDigit)]);
        if (digits.Length >= 12 && digits.StartsWith("55", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }
        return digits.StartsWith('0') ? digits[1..] : digits;
    }
}
