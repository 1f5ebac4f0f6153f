using System.Globalization;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Tests;

/// <summary>
/// A generated population of staged records that exercises every rule: people seen in several sources with
/// phones, CPFs and emails spelled differently, typos, shared family phones (conflicts), a reseller's phone on
/// many buyers (detected and blocked), configured blocked emails, companies with CNPJs and employees carrying
/// them, enrichments with and without a client, deals known only by a source id, and records staged twice
/// (an older and a newer version).
/// </summary>
internal sealed class Population
{
    private static readonly DateTimeOffset Epoch = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Random _random;
    private readonly List<(string Source, EntityType Type, string ExternalId, DateTimeOffset UpdatedAt, List<Identifier> Identifiers, PersonFields? Person, CompanyFields? Company)> _records = [];

    public Population(int seed, int people)
    {
        _random = new Random(seed);
        for (var p = 0; p < people; p++)
        {
            Person(p);
        }
        for (var f = 0; f < people / 8; f++)
        {
            // Two people of one household: the same phone, each with an email of their own.
            var phone = Phone(90_000 + f);
            Add("hotmart", EntityType.Purchase, $"HH{f}a", [new("email", $"household{f}.a@example.com"), new("phone", Spell(phone))]);
            Add("ploomes", EntityType.Contact, $"HH{f}b", [new("email", $"household{f}.b@example.com"), new("phone", Spell(phone)), new("ploomes_contact_id", $"HH{f}b")]);
        }
        for (var r = 0; r < 14; r++)
        {
            // A reseller typed their own phone on every buyer's checkout.
            Add("hotmart", EntityType.Purchase, $"RS{r}", [new("email", $"buyer{r}@shop.com.br"), new("phone", Spell("11" + "933445566"))]);
        }
        for (var t = 0; t < 6; t++)
        {
            Add("csv", EntityType.Contact, $"TT{t}", t % 2 == 0 ? [new("email", "teste@teste.com")] : [new("email", " TESTE@teste.com"), new("phone", Spell(Phone(80_000 + t)))]);
        }
        for (var c = 0; c < 4; c++)
        {
            var cnpj = Cnpj(c);
            Add("ploomes", EntityType.Company, $"CO{c}", [new("cnpj", Mask(cnpj, c)), new("ploomes_contact_id", $"CO{c}")], company: new CompanyFields { Name = $"Empresa {c} Ltda" });
            Add("hotmart", EntityType.Purchase, $"COP{c}", [new("cnpj", cnpj), new("email", $"compras@empresa{c}.com.br")]);
            Add("ploomes", EntityType.Contact, $"EMP{c}", [new("cpf", Cpf(70_000 + c)), new("cnpj", cnpj), new("email", $"func{c}@empresa{c}.com.br")]);
            Add("ploomes", EntityType.Deal, $"DEAL-CO{c}", [new("ploomes_contact_id", $"CO{c}")]);
        }
        for (var e = 0; e < 5; e++)
        {
            Add("sgt", EntityType.Enrichment, $"ORPHAN{e}", [new("email", $"nobody{e}@example.com"), new("sgt_lead_id", $"ORPHAN{e}")]);
        }
    }

    /// <summary>Every staged message (some records twice: an older and a newer version) for a workspace.</summary>
    public List<RawRecordStaged> Messages(string workspaceId)
    {
        var messages = new List<RawRecordStaged>();
        var raw = 1_000L;
        foreach (var (source, type, externalId, updatedAt, identifiers, person, company) in _records)
        {
            messages.Add(new RawRecordStaged
            {
                WorkspaceId = workspaceId,
                CorrelationId = Guid.NewGuid(),
                Source = source,
                RawRecordId = raw++,
                StagedAt = updatedAt,
                Record = new CanonicalRecord
                {
                    Source = source,
                    EntityType = type,
                    ExternalId = externalId,
                    SourceUpdatedAt = updatedAt,
                    Identifiers = identifiers,
                    Person = person,
                    Company = company,
                },
            });
        }
        return messages;
    }

    /// <summary>The newest raw record id of every record key: what the workspace holds once everything is resolved.</summary>
    public static Dictionary<string, long> Expected(IEnumerable<RawRecordStaged> messages) =>
        messages.GroupBy(m => Key(m.Source, RecordType(m.Record.EntityType), m.Record.ExternalId))
            .ToDictionary(g => g.Key, g => g.MaxBy(m => (m.Record.SourceUpdatedAt, m.RawRecordId))!.RawRecordId);

    public static string Key(string source, string entityType, string externalId) => $"{source}/{entityType}/{externalId}";

    public static string RecordType(EntityType type) => type.ToString().ToLowerInvariant();

    private void Person(int p)
    {
        var email = _random.NextDouble() < 0.9 ? $"pessoa{p}@example.com" : null;
        var phone = _random.NextDouble() < 0.7 ? Phone(p) : null;
        var cpf = _random.NextDouble() < 0.4 ? Cpf(p) : null;
        var stripe = _random.NextDouble() < 0.3 ? $"cus_P{p}" : null;
        var name = new PersonFields { FullName = $"Pessoa {p}", City = _random.NextDouble() < 0.5 ? "São Paulo" : "Campinas" };
        var count = _random.Next(1, 6);
        for (var r = 0; r < count; r++)
        {
            var ids = new List<Identifier>();
            var typo = email is not null && _random.NextDouble() < 0.08;
            void Maybe(string kind, string? value, double chance)
            {
                if (value is not null && _random.NextDouble() < chance)
                {
                    ids.Add(new Identifier(kind, value));
                }
            }
            switch (_random.Next(7))
            {
                case 0:
                    Maybe("stripe_customer_id", stripe, 1);
                    Maybe("email", typo ? $"pesoa{p}@example.com" : email?.ToUpperInvariant(), 0.9);
                    Add("stripe", stripe is null ? EntityType.Contact : EntityType.Charge, $"ST{p}-{r}", ids, name);
                    break;
                case 1:
                    Maybe("email", typo ? $"pessoa{p}@exemple.com" : $"  {email}", 0.95);
                    Maybe("phone", phone is null ? null : Spell(phone), 0.7);
                    Maybe("cpf", cpf is null ? null : Mask(cpf, r), 0.8);
                    Add("hotmart", EntityType.Purchase, $"HP{p}-{r}", ids, name);
                    break;
                case 2:
                    Maybe("cpf", cpf is null ? null : Mask(cpf, r + 1), 1);
                    Maybe("email", email, 0.8);
                    Maybe("phone", phone is null ? null : Spell(phone), 0.8);
                    ids.Add(new Identifier("ploomes_contact_id", $"P{p}"));
                    Add("ploomes", EntityType.Contact, $"P{p}", ids, name, version: _random.NextDouble() < 0.3);
                    Add("ploomes", EntityType.Deal, $"DEAL{p}-{r}", [new("ploomes_contact_id", $"P{p}")]);
                    break;
                case 3:
                    Maybe("phone", phone is null ? null : Spell(phone), 1);
                    ids.Add(new Identifier("manychat_subscriber_id", $"MC{p}"));
                    Add("manychat", EntityType.Contact, $"MC{p}", ids);
                    break;
                case 4:
                    Maybe("email", email, 1);
                    ids.Add(new Identifier("sgt_lead_id", $"SGT{p}-{r}"));
                    Add("sgt", EntityType.Enrichment, $"SGT{p}-{r}", ids);
                    break;
                default:
                    Maybe("email", email, 0.7);
                    Maybe("phone", phone is null ? null : Spell(phone), 0.6);
                    Add("csv", EntityType.Contact, $"CSV{p}-{r}", ids, name);
                    break;
            }
        }
    }

    private void Add(string source, EntityType type, string externalId, List<Identifier> identifiers,
        PersonFields? person = null, CompanyFields? company = null, bool version = false)
    {
        if (_records.Any(r => r.Source == source && r.Type == type && r.ExternalId == externalId))
        {
            return;
        }
        var updated = Epoch.AddMinutes(_random.Next(100_000));
        _records.Add((source, type, externalId, updated, identifiers, person, company));
        if (version)
        {
            // An older version staged too, without the phone.
            _records.Add((source, type, externalId, updated.AddDays(-2), identifiers.Where(i => i.Kind != "phone").ToList(), person, company));
        }
    }

    private static readonly string[] AreaCodes = ["11", "19", "21", "31", "41", "48", "51", "61", "71", "81", "85", "91"];

    /// <summary>A mobile: area code and nine digits (9, 8 and seven more).</summary>
    private static string Phone(int n) => $"{AreaCodes[n % AreaCodes.Length]}98{n * 7919 % 10_000_000:D7}";

    /// <summary>One of the spellings a Brazilian number is written in.</summary>
    private string Spell(string national) => _random.Next(6) switch
    {
        0 => $"+55 ({national[..2]}) {national[2..7]}-{national[7..]}",
        1 => $"({national[..2]}) {national[2..7]}-{national[7..]}",
        2 => "55" + national,
        3 => $"0 21 {national[..2]} {national[2..]}",
        4 => $"({national[..2]}) {national[3..7]}-{national[7..]}",
        _ => national,
    };

    private static string Cpf(int n)
    {
        var digits = (100_000_000 + n * 7_919 % 800_000_000).ToString(CultureInfo.InvariantCulture);
        foreach (var length in new[] { 9, 10 })
        {
            var sum = 0;
            for (var i = 0; i < length; i++)
            {
                sum += (digits[i] - '0') * (length + 1 - i);
            }
            digits += (sum * 10 % 11 % 10).ToString(CultureInfo.InvariantCulture);
        }
        return digits;
    }

    private static string Cnpj(int n)
    {
        var value = $"{10_000_000 + n * 37:D8}0001";
        foreach (var weights in new[] { new[] { 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2 }, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] })
        {
            var sum = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                sum += (value[i] - '0') * weights[i];
            }
            var remainder = sum % 11;
            value += (remainder < 2 ? 0 : 11 - remainder).ToString(CultureInfo.InvariantCulture);
        }
        return value;
    }

    /// <summary>A document written with or without its mask.</summary>
    private static string Mask(string document, int variant) => (document.Length, variant % 2) switch
    {
        (11, 0) => $"{document[..3]}.{document[3..6]}.{document[6..9]}-{document[9..]}",
        (14, 0) => $"{document[..2]}.{document[2..5]}.{document[5..8]}/{document[8..12]}-{document[12..]}",
        _ => document,
    };
}
