using System.Globalization;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;

namespace Platform.IdentityResolution.Benchmarks;

/// <summary>
/// A large generated population shaped like the platform's sources: people seen 1–5 times across Stripe,
/// Hotmart, Ploomes, ManyChat, SGT and CSV with their phones, CPFs and emails in different spellings, plus
/// the noise real data has (typos, shared family phones, a reseller's phone on many buyers, configured
/// blocked emails, companies with CNPJs, enrichments with no client, deals known by a source id only).
/// Every record key is unique, so the workspace holds exactly <c>records</c> records once resolved.
/// </summary>
internal static class Generator
{
    private static readonly string[] AreaCodes = ["11", "19", "21", "31", "41", "48", "51", "61", "71", "81", "85", "91"];
    private static readonly string[] Names = ["Ana", "Bruno", "Carla", "Davi", "Elisa", "Fábio", "Gabriela", "Heitor", "Isabela", "João", "Larissa", "Mateus"];
    private static readonly string[] Surnames = ["Silva", "Souza", "Oliveira", "Santos", "Lima", "Pereira", "Costa", "Almeida", "Ribeiro", "Gomes"];
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<RawRecordStaged> Generate(IReadOnlyList<string> workspaces, int records, int seed)
    {
        var random = new Random(seed);
        var messages = new List<RawRecordStaged>(records);
        var raw = 0L;
        var person = 0;
        void Add(string source, EntityType type, string externalId, List<Identifier> identifiers, PersonFields? fields = null, CompanyFields? company = null)
        {
            if (messages.Count >= records)
            {
                return;
            }
            var workspace = workspaces[person % workspaces.Count];
            var updated = Epoch.AddMinutes(random.Next(500_000));
            messages.Add(new RawRecordStaged
            {
                WorkspaceId = workspace,
                CorrelationId = Guid.NewGuid(),
                Source = source,
                RawRecordId = ++raw,
                StagedAt = updated,
                Record = new CanonicalRecord
                {
                    Source = source,
                    EntityType = type,
                    ExternalId = externalId,
                    SourceUpdatedAt = updated,
                    Identifiers = identifiers,
                    Person = fields,
                    Company = company,
                },
            });
        }

        while (messages.Count < records)
        {
            person++;
            var p = person;
            var roll = random.NextDouble();
            if (roll < 0.02)
            {
                // A household: two people, one phone, their own emails (a conflict).
                var shared = Phone(p);
                Add("hotmart", EntityType.Purchase, $"HH{p}a", [new("email", $"household{p}.a@example.com"), new("phone", Spell(random, shared))]);
                Add("ploomes", EntityType.Contact, $"HH{p}b", [new("email", $"household{p}.b@example.com"), new("phone", Spell(random, shared)), new("ploomes_contact_id", $"HH{p}b")]);
                continue;
            }
            if (roll < 0.025)
            {
                // Buyers of one reseller, who typed their own phone at checkout (detected and blocked).
                var reseller = Phone(p);
                for (var r = 0; r < 14; r++)
                {
                    Add("hotmart", EntityType.Purchase, $"RS{p}-{r}", [new("email", $"buyer{p}.{r}@shop.com.br"), new("phone", Spell(random, reseller))]);
                }
                continue;
            }
            if (roll < 0.03)
            {
                Add("csv", EntityType.Contact, $"TT{p}", [new("email", "teste@teste.com"), new("phone", Spell(random, Phone(p)))]);
                continue;
            }
            if (roll < 0.035)
            {
                var cnpj = Cnpj(p);
                Add("ploomes", EntityType.Company, $"CO{p}", [new("cnpj", cnpj), new("ploomes_contact_id", $"CO{p}")], company: new CompanyFields { Name = $"Empresa {p} Ltda" });
                Add("hotmart", EntityType.Purchase, $"COP{p}", [new("cnpj", cnpj), new("email", $"compras@empresa{p}.com.br")]);
                Add("ploomes", EntityType.Contact, $"EMP{p}", [new("cpf", Cpf(p + 5_000_000)), new("cnpj", cnpj), new("email", $"func@empresa{p}.com.br")]);
                Add("ploomes", EntityType.Deal, $"DEAL-CO{p}", [new("ploomes_contact_id", $"CO{p}")]);
                continue;
            }
            if (roll < 0.04)
            {
                Add("sgt", EntityType.Enrichment, $"ORPHAN{p}", [new("email", $"nobody{p}@example.com"), new("sgt_lead_id", $"ORPHAN{p}")]);
                continue;
            }

            var email = random.NextDouble() < 0.9 ? $"pessoa{p}@example.com" : null;
            var phone = random.NextDouble() < 0.7 ? Phone(p) : null;
            var cpf = random.NextDouble() < 0.4 ? Cpf(p) : null;
            var stripe = random.NextDouble() < 0.3 ? $"cus_P{p}" : null;
            var name = new PersonFields
            {
                FullName = $"{Names[p % Names.Length]} {Surnames[p / Names.Length % Surnames.Length]}",
                City = random.NextDouble() < 0.5 ? "São Paulo" : "Campinas",
            };
            var count = random.Next(1, 6);
            for (var r = 0; r < count; r++)
            {
                var ids = new List<Identifier>();
                var typo = email is not null && random.NextDouble() < 0.05;
                void Maybe(string kind, string? value, double chance)
                {
                    if (value is not null && random.NextDouble() < chance)
                    {
                        ids.Add(new Identifier(kind, value));
                    }
                }
                switch (random.Next(6))
                {
                    case 0:
                        Maybe("stripe_customer_id", stripe, 1);
                        Maybe("email", typo ? $"pesoa{p}@example.com" : email?.ToUpperInvariant(), 0.9);
                        Add("stripe", EntityType.Charge, $"ST{p}-{r}", ids, name);
                        break;
                    case 1:
                        Maybe("email", typo ? $"pessoa{p}@exemple.com" : $"  {email}", 0.95);
                        Maybe("phone", phone is null ? null : Spell(random, phone), 0.7);
                        Maybe("cpf", cpf is null ? null : Mask(cpf, r), 0.8);
                        Add("hotmart", EntityType.Purchase, $"HP{p}-{r}", ids, name);
                        break;
                    case 2:
                        Maybe("cpf", cpf is null ? null : Mask(cpf, r + 1), 1);
                        Maybe("email", email, 0.8);
                        Maybe("phone", phone is null ? null : Spell(random, phone), 0.8);
                        ids.Add(new Identifier("ploomes_contact_id", $"P{p}-{r}"));
                        Add("ploomes", EntityType.Contact, $"P{p}-{r}", ids, name);
                        Add("ploomes", EntityType.Deal, $"DEAL{p}-{r}", [new("ploomes_contact_id", $"P{p}-{r}")]);
                        break;
                    case 3:
                        Maybe("phone", phone is null ? null : Spell(random, phone), 1);
                        ids.Add(new Identifier("manychat_subscriber_id", $"MC{p}-{r}"));
                        Add("manychat", EntityType.Contact, $"MC{p}-{r}", ids);
                        break;
                    case 4:
                        Maybe("email", email, 1);
                        ids.Add(new Identifier("sgt_lead_id", $"SGT{p}-{r}"));
                        Add("sgt", EntityType.Enrichment, $"SGT{p}-{r}", ids);
                        break;
                    default:
                        Maybe("email", email, 0.7);
                        Maybe("phone", phone is null ? null : Spell(random, phone), 0.6);
                        Add("csv", EntityType.Contact, $"CSV{p}-{r}", ids, name);
                        break;
                }
            }
        }
        // Shuffled: sources deliver in no particular order.
        return [.. messages.OrderBy(_ => random.Next())];
    }

    private static string Phone(int n) => $"{AreaCodes[n % AreaCodes.Length]}98{n % 10_000_000:D7}";

    private static string Spell(Random random, string national) => random.Next(6) switch
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
        var digits = (100_000_000 + (long)n * 7_919 % 800_000_000).ToString(CultureInfo.InvariantCulture);
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
        var value = $"{10_000_000 + n % 89_999_999:D8}0001";
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

    private static string Mask(string document, int variant) => variant % 2 == 0
        ? $"{document[..3]}.{document[3..6]}.{document[6..9]}-{document[9..]}"
        : document;
}
