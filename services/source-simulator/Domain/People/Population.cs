using System.Globalization;
using Bogus;
using Bogus.DataSets;

namespace Platform.SourceSimulator.Domain.People;

/// <summary>
/// One person of a population: the truth the sources each spell in their own way. Key is unique within the population
/// (and the number in the person's email addresses); Mobile is DDD + 9 digits and Landline DDD + 8 digits; Cpf is 11
/// digits with valid check digits. Key, Mobile and Cpf never repeat within a population.
/// </summary>
internal sealed record Person(
    long Key,
    string FirstName,
    string LastName,
    bool Female,
    string Email,
    string AltEmail,
    string Mobile,
    string? Landline,
    string Cpf,
    PostalAddress Address,
    DateOnly BirthDate)
{
    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>A company (Ploomes TypeId 1): trade name, legal name, CNPJ.</summary>
internal sealed record Company(long Key, string Name, string LegalName, string Cnpj, string Email, string Phone, PostalAddress Address);

/// <summary>
/// The people behind every account that shares a seed. Person <c>k</c> is a pure function of (seed, k), so accounts of
/// different sources with the same seed meet the same people: record <c>r</c> of a source maps to a shared person for
/// about 45% × 80% of records (the same person in Stripe, Hotmart and Ploomes, spelled differently), to a person of
/// its own otherwise, and, for a few records, to the person of an earlier record of the same source (a duplicate).
/// </summary>
internal sealed class Population(int seed)
{
    /// <summary>Share of record slots that may point at a person shared across sources.</summary>
    public const double SharedShare = 0.45;

    /// <summary>Chance that a shared person is present in a given source.</summary>
    public const double PresenceInSource = 0.8;

    private static readonly string[] EmailDomains =
        ["gmail.com", "gmail.com", "gmail.com", "gmail.com", "hotmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "icloud.com", "uol.com.br", "bol.com.br", "terra.com.br"];

    private static readonly string[] AltEmailDomains = ["outlook.com", "uol.com.br", "terra.com.br", "ig.com.br", "live.com", "globo.com"];

    private static readonly string[] CompanyActivities =
        ["Comércio", "Serviços", "Tecnologia", "Consultoria", "Distribuidora", "Indústria", "Transportes", "Educação", "Marketing Digital", "Alimentos"];

    private static readonly string[] CompanyMailboxes = ["contato", "financeiro", "comercial", "atendimento"];

    private static readonly string[] LegalSuffixes = ["Ltda", "Ltda", "Ltda", "S.A.", "ME", "EIRELI", "EPP"];

    private readonly Faker _faker = new("pt_BR");
    private readonly object _sync = new();

    public int Seed { get; } = seed;

    public Person Person(long key)
    {
        lock (_sync)
        {
            var rng = Det.Rng(Seed, "person", key);
            _faker.Random = rng;
            var female = rng.Bool();
            var first = _faker.Name.FirstName(female ? Name.Gender.Female : Name.Gender.Male);
            var last = _faker.Name.LastName();
            if (rng.Bool(0.45f))
            {
                var second = _faker.Name.LastName();
                if (second != last)
                {
                    last = $"{last} {second}";
                }
            }
            var address = Address(rng);
            var firstSlug = Spelling.Slug(first.Split(' ')[0]);
            var lastSlug = Spelling.Slug(last.Split(' ')[^1]);
            var n = key.ToString(CultureInfo.InvariantCulture);
            var local = rng.Number(4) switch
            {
                0 => $"{firstSlug}.{lastSlug}{n}",
                1 => $"{firstSlug}{lastSlug}{n}",
                2 => $"{firstSlug}_{lastSlug}{n}",
                3 => $"{firstSlug[0]}{lastSlug}{n}",
                _ => $"{firstSlug}{n}",
            };
            var email = $"{local}@{rng.ArrayElement(EmailDomains)}";
            var altEmail = $"{firstSlug}{lastSlug[0]}.{n}@{rng.ArrayElement(AltEmailDomains)}";
            // Multiplying by a number prime to 10^7 is a bijection modulo 10^7, so numbers never repeat within a population.
            var offset = (long)Det.Below(Det.Hash(Seed, "phone-offset", 0), 10_000_000);
            var line = ((key * 7_919 + offset) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
            var mobile = $"{address.City.Ddd}9{6 + key % 4}{line}";
            string? landline = null;
            if (rng.Bool(0.3f))
            {
                var landlineOffset = (long)Det.Below(Det.Hash(Seed, "landline-offset", 0), 10_000_000);
                landline = $"{address.City.Ddd}3{((key * 104_723 + landlineOffset) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture)}";
            }
            var cpfOffset = (long)Det.Below(Det.Hash(Seed, "cpf-offset", 0), 1_000_000_000);
            var cpf = BrazilianDocuments.Cpf((key * 7_654_321 + cpfOffset) % 1_000_000_000);
            var birth = new DateOnly(1950, 1, 1).AddDays(rng.Number(0, 365 * 55));
            return new Person(key, first, last, female, email, altEmail, mobile, landline, cpf, address, birth);
        }
    }

    public Company Company(long key)
    {
        lock (_sync)
        {
            var rng = Det.Rng(Seed, "company", key);
            _faker.Random = rng;
            var family = _faker.Name.LastName();
            var name = rng.Number(3) switch
            {
                0 => $"{family} {rng.ArrayElement(CompanyActivities)}",
                1 => $"{family} & {_faker.Name.LastName()}",
                2 => $"{rng.ArrayElement(CompanyActivities)} {family}",
                _ => $"Grupo {family}",
            };
            var legal = $"{name} {rng.ArrayElement(LegalSuffixes)}";
            var rootOffset = (long)Det.Below(Det.Hash(Seed, "cnpj-offset", 0), 100_000_000);
            var cnpj = BrazilianDocuments.Cnpj((key * 1_234_567 + rootOffset) % 100_000_000);
            var address = Address(rng);
            var domain = Spelling.Slug(family) + key.ToString(CultureInfo.InvariantCulture) + ".com.br";
            var email = $"{rng.ArrayElement(CompanyMailboxes)}@{domain}";
            var phoneOffset = (long)Det.Below(Det.Hash(Seed, "company-phone-offset", 0), 10_000_000);
            var phone = $"{address.City.Ddd}3{((key * 15_485_863 + phoneOffset) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture)}";
            return new Company(key, name, legal, cnpj, email, phone, address);
        }
    }

    /// <summary>
    /// The person key of record <paramref name="record"/> of a source with <paramref name="size"/> records.
    /// </summary>
    /// <param name="source">1 Stripe, 2 Hotmart, 3 Ploomes: own people never collide across sources.</param>
    /// <param name="record">The record's index in its source (records past <paramref name="size"/> were created at run time).</param>
    /// <param name="size">The source's generated record count.</param>
    /// <param name="duplicateShare">Share of records that repeat the person of an earlier record.</param>
    public long KeyFor(int source, long record, long size, double duplicateShare)
    {
        var tag = source.ToString(CultureInfo.InvariantCulture);
        if (record >= size)
        {
            return 4 * record + source;
        }
        var dup = Det.Hash(Seed, "duplicate:" + tag, record);
        if (record > 0 && Det.Unit(dup) < duplicateShare)
        {
            return KeyFor(source, Det.Below(Det.Mix(dup), record), size, 0);
        }
        var slot = Permute(source, record, size);
        var shared = (long)(size * SharedShare);
        if (slot < shared && Det.Unit(Seed, "present:" + tag, slot) < PresenceInSource)
        {
            return 4 * slot;
        }
        return 4 * record + source;
    }

    /// <summary>An affine permutation of [0, size): a per-source shuffle of which records meet shared people.</summary>
    private long Permute(int source, long record, long size)
    {
        var h = Det.Hash(Seed, "permutation", source);
        var a = 1 + Det.Below(h, Math.Max(1, size - 1));
        while (Gcd(a, size) != 1)
        {
            a++;
        }
        var b = Det.Below(Det.Mix(h), size);
        // a and record are below 10^6 and the product below 10^12: no overflow.
        return (a * record + b) % size;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    private static PostalAddress Address(Randomizer rng)
    {
        var city = BrazilianPlaces.CityAt(rng.Double());
        var street = $"{rng.ArrayElement(BrazilianPlaces.StreetTypes)} {rng.ArrayElement(BrazilianPlaces.StreetNames)}";
        var number = rng.Number(1, 3999).ToString(CultureInfo.InvariantCulture);
        var complement = rng.Bool(0.35f) ? rng.ArrayElement(BrazilianPlaces.Complements) : null;
        var cep = rng.Number(city.CepFrom, city.CepTo).ToString("D8", CultureInfo.InvariantCulture);
        return new PostalAddress(street, number, complement, rng.ArrayElement(BrazilianPlaces.Neighborhoods), city, cep);
    }
}
