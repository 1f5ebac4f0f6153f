using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Benchmarks;

/// <summary>One Stripe object of the workload: a customer (a contact) or a charge (a sale), as Stripe sends it.</summary>
/// <param name="Index">Position in the workload (the first half is staged deferred, the second half sent as webhooks).</param>
/// <param name="IsSale">A charge (true) or a customer.</param>
/// <param name="Created">The object's <c>created</c>, also its event's time.</param>
/// <param name="Json">The object, compact.</param>
internal sealed record StripeObject(int Index, bool IsSale, DateTimeOffset Created, string Json);

/// <summary>
/// A Stripe account shaped like the users' (the noise of the identity benchmark's generator, in Stripe's objects):
/// people with one or more customers (Checkout makes a customer per purchase), emails in other cases and with spaces,
/// phones in six spellings, guest charges known by the billing email or phone only, households sharing a phone, a
/// reseller's phone typed by many buyers (detected and blocked), <c>teste@teste.com</c>, repeat buyers (a few buy
/// often), refunds and failed charges, BRL and some USD. A pure function of the seed; objects are generated one at a
/// time (memory does not grow with the size).
/// </summary>
internal sealed class EndToEndWorkload(int contacts, int sales, int seed)
{
    private static readonly string[] AreaCodes = ["11", "19", "21", "31", "41", "48", "51", "61", "71", "81", "85", "91"];
    private static readonly string[] Names = ["Ana", "Bruno", "Carla", "Davi", "Elisa", "Fábio", "Gabriela", "Heitor", "Isabela", "João", "Larissa", "Mateus"];
    private static readonly string[] Surnames = ["Silva", "Souza", "Oliveira", "Santos", "Lima", "Pereira", "Costa", "Almeida", "Ribeiro", "Gomes"];
    private static readonly string[] Cities = ["São Paulo", "Campinas", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Recife"];
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int Contacts => contacts;

    public int Sales => sales;

    /// <summary>People: about 0.8 per contact, so a fifth of the customers are a person's second customer.</summary>
    private int People => Math.Max(1, (int)(contacts * 0.8));

    /// <summary>Customers and charges interleaved (contact i before the charges that may name it), in staging order.</summary>
    public IEnumerable<StripeObject> Objects()
    {
        var total = contacts + sales;
        var c = 0;
        var s = 0;
        for (var i = 0; i < total; i++)
        {
            // Evenly interleaved, so each half holds half of the contacts and half of the sales.
            var isSale = (long)(i + 1) * sales / total > s;
            yield return isSale ? Charge(i, s++) : Customer(i, c++);
        }
    }

    private StripeObject Customer(int index, int n)
    {
        var random = new Random(Mix(seed, 1, n));
        // Customers beyond the first per person are a second Checkout customer of an earlier person.
        var person = n < People ? n : random.Next(People);
        var created = Start.AddMinutes(random.Next(1_000_000));
        var (email, phone, name, city) = PersonOf(person, random);
        var obj = new JsonObject
        {
            ["id"] = $"cus_E{n}",
            ["object"] = "customer",
            ["created"] = created.ToUnixTimeSeconds(),
            ["email"] = email,
            ["phone"] = phone,
            ["name"] = name,
            ["description"] = null,
            ["delinquent"] = false,
            ["address"] = new JsonObject { ["city"] = city, ["state"] = "SP", ["country"] = "BR" },
        };
        return new StripeObject(index, false, created, obj.ToJsonString());
    }

    private StripeObject Charge(int index, int n)
    {
        var random = new Random(Mix(seed, 2, n));
        // Repeat buyers: a fifth of the charges go to the first 2 % of the people.
        var person = random.NextDouble() < 0.2 ? random.Next(Math.Max(1, People / 50)) : random.Next(People);
        var created = Start.AddMinutes(random.Next(1_000_000));
        var (email, phone, name, city) = PersonOf(person, random);
        // The person's own customer (the first one made for them) or a guest checkout known by the billing details.
        var customer = person < contacts && random.NextDouble() < 0.7 ? $"cus_E{person}" : null;
        var currency = random.NextDouble() < 0.05 ? "usd" : "brl";
        var amount = 1_000 + random.Next(200) * 500;
        var roll = random.NextDouble();
        var (status, refunded) = roll < 0.05 ? ("failed", 0) : roll < 0.1 ? ("succeeded", amount) : ("succeeded", 0);
        var obj = new JsonObject
        {
            ["id"] = $"ch_E{n}",
            ["object"] = "charge",
            ["created"] = created.ToUnixTimeSeconds(),
            ["amount"] = amount,
            ["amount_refunded"] = refunded,
            ["refunded"] = refunded > 0,
            ["disputed"] = false,
            ["currency"] = currency,
            ["status"] = status,
            ["customer"] = customer,
            ["description"] = $"Curso {person % 13}",
            ["receipt_email"] = customer is null ? email : null,
            ["payment_intent"] = $"pi_E{n}",
            ["invoice"] = null,
            ["billing_details"] = new JsonObject
            {
                ["email"] = random.NextDouble() < 0.8 ? email : null,
                ["phone"] = random.NextDouble() < 0.5 ? phone : null,
                ["name"] = name,
                ["address"] = new JsonObject { ["city"] = city, ["state"] = "SP", ["country"] = "BR" },
            },
        };
        return new StripeObject(index, true, created, obj.ToJsonString());
    }

    /// <summary>A person's identifiers as typed this time (another case, spaces, another phone spelling, a typo now and then).</summary>
    private static (string? Email, string? Phone, string Name, string City) PersonOf(int person, Random random)
    {
        var name = $"{Names[person % Names.Length]} {Surnames[person / Names.Length % Surnames.Length]}";
        var city = Cities[person % Cities.Length];
        var kind = person % 1000;
        string? email = $"pessoa{person}@example.com";
        string? phone = random.NextDouble() < 0.6 ? Phone(person) : null;
        if (kind < 20)
        {
            // A household: one phone for two people (person and person ^ 1), their own emails.
            phone = Phone(person & ~1);
        }
        else if (kind < 25)
        {
            // A reseller's buyers: 25 people typed the reseller's phone (shared by too many: blocked).
            phone = Phone(person / 1000 * 1000 + 20);
        }
        else if (kind < 28)
        {
            email = "teste@teste.com";
        }
        else if (kind < 100)
        {
            email = null;
            phone ??= Phone(person);
        }
        var spelling = random.NextDouble();
        if (email is not null)
        {
            email = spelling < 0.03 ? email.Replace("pessoa", "pesoa", StringComparison.Ordinal)
                : spelling < 0.3 ? email.ToUpperInvariant()
                : spelling < 0.4 ? $"  {email} "
                : email;
        }
        return (email, phone is null ? null : Spell(random, phone), name, city);
    }

    /// <summary>A seed per object that is the same in every process (HashCode.Combine is randomised per process).</summary>
    private static int Mix(int seed, int kind, int n)
    {
        var x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)kind << 32 ^ (uint)n;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return (int)((x ^ (x >> 31)) & int.MaxValue);
    }

    private static string Phone(int n) => $"{AreaCodes[n % AreaCodes.Length]}98{n % 10_000_000:D7}";

    private static string Spell(Random random, string national) => random.Next(6) switch
    {
        0 => $"+55 ({national[..2]}) {national[2..7]}-{national[7..]}",
        1 => $"({national[..2]}) {national[2..7]}-{national[7..]}",
        2 => "55" + national,
        3 => $"0 21 {national[..2]} {national[2..]}",
        4 => $"+55{national}",
        _ => national,
    };

    /// <summary>A Stripe event around an object (<c>customer.created</c> / <c>charge.succeeded</c>), as a webhook delivers it.</summary>
    public static string Event(StripeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = obj.IsSale ? "charge.succeeded" : "customer.created";
        return string.Create(CultureInfo.InvariantCulture,
            $$"""{"id":"evt_E{{obj.Index}}","object":"event","api_version":"2024-06-20","created":{{obj.Created.ToUnixTimeSeconds()}},"data":{"object":{{obj.Json}}},"livemode":false,"pending_webhooks":1,"type":"{{type}}"}""");
    }
}
