using System.Globalization;
using System.Text.Json.Nodes;
using Randomizer = Bogus.Randomizer;
using Platform.SourceSimulator.Domain.People;
using Platform.SourceSimulator.Domain.Stripe;

namespace Platform.SourceSimulator.Domain.Ploomes;

/// <summary>An OData list request already split into its options.</summary>
internal sealed record PloomesQuery(
    int Top,
    int Skip,
    IReadOnlyList<ODataComparison> Filter,
    IReadOnlyList<ODataOrder> OrderBy,
    ODataExpand Expand,
    bool Count);

/// <summary>
/// One Ploomes account: Size contacts (a fifth companies with CNPJ and legal name, the rest people with CPF, some
/// working at one of the companies) and Size deals in two pipelines. Every change moves LastUpdateDate, so
/// <c>$filter=LastUpdateDate gt …&amp;$orderby=LastUpdateDate</c> finds it.
/// </summary>
internal sealed class PloomesData
{
    /// <summary>The largest $top Ploomes accepts.</summary>
    public const int MaxTop = 300;

    public static readonly TimeSpan Brasilia = TimeSpan.FromHours(-3);

    /// <summary>The webhook events <see cref="Emit"/> can produce, as Entity.Action.</summary>
    public static readonly IReadOnlyList<string> EmittableEvents =
        ["Contacts.Create", "Contacts.Update", "Contacts.Delete", "Deals.Create", "Deals.Update", "Deals.Win", "Deals.Lose", "Deals.Delete"];

    public static readonly PloomesTag[] Tags =
    [
        new(1, "Cliente VIP", "#F5A623"), new(2, "Indicação", "#7ED321"), new(3, "Evento", "#4A90E2"),
        new(4, "Inbound", "#9013FE"), new(5, "Outbound", "#D0021B"), new(6, "Recompra", "#50E3C2"),
    ];

    private static readonly long[] Owners = [10018838, 10018839, 10018840, 10018841];

    private static readonly (long Pipeline, long[] Stages)[] Pipelines =
    [
        (40001, [200001, 200002, 200003, 200004, 200005]),
        (40002, [200011, 200012, 200013]),
    ];

    private static readonly string[] DealProducts =
        ["Implantação CRM", "Plano Anual", "Consultoria de Vendas", "Licença Enterprise", "Treinamento de Equipe", "Renovação de Contrato", "Projeto Sob Medida"];

    private static readonly decimal[] AmountCents = [0m, 0m, 50m, 90m];

    private readonly object _sync = new();
    private readonly int _seed;
    private readonly int _size;
    private readonly Population _people;
    private readonly List<PloomesContact> _contacts = [];
    private readonly List<PloomesDeal> _deals = [];
    private readonly Dictionary<long, PloomesContact> _contactsById = [];
    private readonly Dictionary<long, PloomesDeal> _dealsById = [];
    private long _changes;
    private DateTimeOffset _lastUpdate = DateTimeOffset.MinValue;

    public PloomesData(int seed, int size, DateTimeOffset anchor, int historyDays)
    {
        _seed = seed;
        _size = size;
        _people = new Population(seed);
        var start = anchor.AddDays(-historyDays);
        var span = (anchor - start).Ticks;
        var width = Math.Max(1, span / size);
        for (var k = 0; k < size; k++)
        {
            var created = start.AddTicks(k * width + (long)Det.Below(Det.Hash(seed, "ploomes:contact-created", k), width)).ToOffset(Brasilia);
            AddContact(BuildContact(k, created, anchor));
        }
        for (var k = 0; k < size; k++)
        {
            var created = start.AddTicks(k * width + (long)Det.Below(Det.Hash(seed, "ploomes:deal-created", k), width)).ToOffset(Brasilia);
            AddDeal(BuildDeal(k, created, anchor));
        }
    }

    public (JsonArray Value, int Count) Contacts(PloomesQuery query) =>
        List(_contacts, query, PloomesJson.ContactProperties, c => PloomesJson.Contact(c, query.Expand, this));

    public (JsonArray Value, int Count) Deals(PloomesQuery query) =>
        List(_deals, query, PloomesJson.DealProperties, d => PloomesJson.Deal(d, query.Expand, this));

    public PloomesContact? FindContact(long id) => _contactsById.GetValueOrDefault(id) is { Deleted: false } c ? c : null;

    public PloomesContact? FindPerson(long? id) => id is null ? null : FindContact(id.Value);

    /// <summary>Changes <paramref name="count"/> contacts and deals (each gets a new LastUpdateDate) and adds a fifth as many new contacts with a deal each.</summary>
    public ChangeSet Mutate(int count, DateTimeOffset now)
    {
        lock (_sync)
        {
            var updated = new List<ChangedRecord>();
            var created = new List<ChangedRecord>();
            for (var i = 0; i < count; i++)
            {
                var rng = NextChange();
                if (i % 2 == 0)
                {
                    updated.Add(new ChangedRecord("contacts", UpdateContact(rng, now).Id.ToString(CultureInfo.InvariantCulture)));
                }
                else
                {
                    updated.Add(new ChangedRecord("deals", UpdateDeal(rng, now, null).Id.ToString(CultureInfo.InvariantCulture)));
                }
            }
            for (var i = 0; i < Math.Max(1, count / 5); i++)
            {
                var contact = NewContact(now);
                created.Add(new ChangedRecord("contacts", contact.Id.ToString(CultureInfo.InvariantCulture)));
                created.Add(new ChangedRecord("deals", NewDeal(now, contact).Id.ToString(CultureInfo.InvariantCulture)));
            }
            return new ChangeSet(updated, created, []);
        }
    }

    /// <summary>Makes the change a webhook reports; returns the entity, action and the affected id.</summary>
    public (string Entity, string Action, long ResourceId) Emit(string entity, string action, DateTimeOffset now)
    {
        lock (_sync)
        {
            var rng = NextChange();
            switch (entity, action)
            {
                case ("Contacts", "Create"):
                    return (entity, action, NewContact(now).Id);
                case ("Contacts", "Update"):
                    return (entity, action, UpdateContact(rng, now).Id);
                case ("Contacts", "Delete"):
                {
                    var contact = PickContact(rng);
                    contact.Deleted = true;
                    contact.LastUpdateDate = Stamp(now);
                    return (entity, action, contact.Id);
                }
                case ("Deals", "Create"):
                    return (entity, action, NewDeal(now, PickContact(rng)).Id);
                case ("Deals", "Update"):
                    return (entity, action, UpdateDeal(rng, now, null).Id);
                case ("Deals", "Win"):
                    return (entity, action, UpdateDeal(rng, now, 2).Id);
                case ("Deals", "Lose"):
                    return (entity, action, UpdateDeal(rng, now, 3).Id);
                case ("Deals", "Delete"):
                {
                    var deal = PickDeal(rng, null);
                    deal.Deleted = true;
                    deal.LastUpdateDate = Stamp(now);
                    return (entity, action, deal.Id);
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(action), $"{entity}.{action}", "Unsupported Ploomes webhook.");
            }
        }
    }

    private (JsonArray, int) List<T>(List<T> items, PloomesQuery query, IReadOnlyDictionary<string, Func<T, object?>> properties,
        Func<T, JsonObject> render) where T : IPloomesEntity
    {
        foreach (var comparison in query.Filter)
        {
            if (!properties.ContainsKey(comparison.Property))
            {
                throw new ODataException($"Could not find a property named '{comparison.Property}' on type '{TypeName<T>()}'.");
            }
        }
        foreach (var order in query.OrderBy)
        {
            if (!properties.ContainsKey(order.Property))
            {
                throw new ODataException($"Could not find a property named '{order.Property}' on type '{TypeName<T>()}'.");
            }
        }
        lock (_sync)
        {
            var matching = items.Where(x => !x.Deleted && query.Filter.All(c => ODataQuery.Matches(properties[c.Property](x), c))).ToList();
            IOrderedEnumerable<T>? ordered = null;
            var comparer = Comparer<object?>.Create(ODataQuery.CompareForSort);
            foreach (var order in query.OrderBy)
            {
                var key = properties[order.Property];
                ordered = ordered is null
                    ? order.Descending ? matching.OrderByDescending(key, comparer) : matching.OrderBy(key, comparer)
                    : order.Descending ? ordered.ThenByDescending(key, comparer) : ordered.ThenBy(key, comparer);
            }
            // Ties (and no $orderby) fall back to Id, so $skip paging never repeats or drops a record.
            var sorted = ordered is null ? matching.OrderBy(x => x.Id) : ordered.ThenBy(x => x.Id);
            var page = sorted.Skip(query.Skip).Take(query.Top).Select(render).ToList();
            return (new JsonArray([.. page]), matching.Count);
        }
    }

    private static string TypeName<T>() => typeof(T) == typeof(PloomesContact) ? "Ploomes.Contact" : "Ploomes.Deal";

    private Randomizer NextChange() => new(unchecked((int)Det.Hash(_seed, "ploomes:change", _changes++)));

    /// <summary>A LastUpdateDate after every earlier one, so records changed in the same millisecond still sort.</summary>
    private DateTimeOffset Stamp(DateTimeOffset now)
    {
        var stamp = now.ToOffset(Brasilia);
        stamp = stamp.AddTicks(-(stamp.Ticks % TimeSpan.TicksPerMillisecond));
        if (stamp <= _lastUpdate)
        {
            stamp = _lastUpdate.AddMilliseconds(1);
        }
        _lastUpdate = stamp;
        return stamp;
    }

    private PloomesContact PickContact(Randomizer rng)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var candidate = _contacts[rng.Number(_contacts.Count - 1)];
            if (!candidate.Deleted)
            {
                return candidate;
            }
        }
        return _contacts.Last(c => !c.Deleted);
    }

    private PloomesDeal PickDeal(Randomizer rng, int? wantedStatus)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var candidate = _deals[rng.Number(_deals.Count - 1)];
            if (!candidate.Deleted && (wantedStatus is null || candidate.StatusId == wantedStatus))
            {
                return candidate;
            }
        }
        return _deals.LastOrDefault(d => !d.Deleted && (wantedStatus is null || d.StatusId == wantedStatus)) ?? _deals.Last(d => !d.Deleted);
    }

    private PloomesContact UpdateContact(Randomizer rng, DateTimeOffset now)
    {
        var contact = PickContact(rng);
        if (contact.Person is { } person)
        {
            switch (rng.Number(2))
            {
                case 0:
                    contact.Email = contact.Email == person.AltEmail ? person.Email : person.AltEmail;
                    break;
                case 1:
                    contact.Phones.Clear();
                    contact.Phones.Add(new PloomesPhone(Spelling.Phone(person.Mobile, rng.Number(6)), 3, 76));
                    break;
                default:
                    contact.Address = person.Address;
                    break;
            }
        }
        else
        {
            contact.Name = contact.Name.EndsWith(" (Matriz)", StringComparison.Ordinal) ? contact.Name[..^9] : contact.Name + " (Matriz)";
        }
        contact.UpdaterId = rng.ArrayElement(Owners);
        contact.LastUpdateDate = Stamp(now);
        return contact;
    }

    private PloomesDeal UpdateDeal(Randomizer rng, DateTimeOffset now, int? outcome)
    {
        var deal = PickDeal(rng, 1);
        var stages = Pipelines.First(p => p.Pipeline == deal.PipelineId).Stages;
        var stageIndex = Array.IndexOf(stages, deal.StageId);
        if (outcome is not null || (deal.StatusId == 1 && stageIndex == stages.Length - 2 && rng.Bool(0.5f)))
        {
            deal.StatusId = outcome ?? (rng.Bool(0.6f) ? 2 : 3);
            deal.FinishDate = Stamp(now);
            if (deal.StatusId == 2)
            {
                deal.StageId = stages[^1];
            }
            else
            {
                deal.LossReasonId = rng.Number(1, 6);
            }
        }
        else if (deal.StatusId == 1 && stageIndex < stages.Length - 2)
        {
            deal.StageId = stages[stageIndex + 1];
        }
        else
        {
            deal.Amount = Math.Round(deal.Amount * (decimal)(0.8 + rng.Double() * 0.4), 2);
        }
        deal.UpdaterId = rng.ArrayElement(Owners);
        deal.LastUpdateDate = Stamp(now);
        return deal;
    }

    private PloomesContact NewContact(DateTimeOffset now)
    {
        var stamp = Stamp(now);
        var contact = BuildContact(_contacts.Count, stamp, now);
        AddContact(contact);
        return contact;
    }

    private PloomesDeal NewDeal(DateTimeOffset now, PloomesContact contact)
    {
        var stamp = Stamp(now);
        var deal = BuildDeal(_deals.Count, stamp, now, contact);
        AddDeal(deal);
        return deal;
    }

    private void AddContact(PloomesContact contact)
    {
        _contacts.Add(contact);
        _contactsById[contact.Id] = contact;
    }

    private void AddDeal(PloomesDeal deal)
    {
        _deals.Add(deal);
        _dealsById[deal.Id] = deal;
    }

    private static DateTimeOffset Updated(Randomizer rng, DateTimeOffset created, DateTimeOffset anchor)
    {
        // Most records were touched again after their creation; never after the anchor.
        if (rng.Bool(0.35f))
        {
            return created;
        }
        var room = (anchor - created).Ticks;
        return room <= 0 ? created : created.AddTicks((long)(rng.Double() * room));
    }

    private PloomesContact BuildContact(long k, DateTimeOffset created, DateTimeOffset anchor)
    {
        var rng = Det.Rng(_seed, "ploomes:contact", k);
        var h = Det.Hash(_seed, "ploomes:contact", k);
        var id = 100_000_001 + k;
        var owner = rng.ArrayElement(Owners);
        var tags = Enumerable.Range(0, rng.WeightedRandom([0, 1, 2], [0.6f, 0.3f, 0.1f])).Select(_ => rng.ArrayElement(Tags).Id).Distinct().ToList();
        var updated = Updated(rng, created, anchor).ToOffset(Brasilia);
        created = created.AddTicks(-(created.Ticks % TimeSpan.TicksPerMillisecond));
        updated = updated.AddTicks(-(updated.Ticks % TimeSpan.TicksPerMillisecond));
        if (Det.Unit(Det.Hash(_seed, "ploomes:is-company", k)) < 0.2)
        {
            var company = _people.Company(k);
            return new PloomesContact
            {
                Id = id,
                TypeId = 1,
                Name = company.Name,
                LegalName = company.LegalName,
                Cnpj = rng.Bool(0.7f) ? BrazilianDocuments.FormatCnpj(company.Cnpj) : company.Cnpj,
                Email = company.Email,
                OwnerId = owner,
                OriginId = rng.Bool(0.6f) ? rng.Number(1, 8) : null,
                Address = company.Address,
                CreateDate = created,
                LastUpdateDate = updated,
                UpdaterId = owner,
                Phones = [new PloomesPhone(Spelling.Phone(company.Phone, (int)(h % 7)), 1, 76)],
                TagIds = tags,
            };
        }
        var person = _people.Person(_people.KeyFor(3, k, _size, 0.02));
        var phones = new List<PloomesPhone>();
        if (rng.Bool(0.92f))
        {
            // Ploomes users type phones the way the customer dictated them: "(11) 98765-4321" mostly.
            phones.Add(new PloomesPhone(Spelling.Phone(person.Mobile, rng.WeightedRandom([0, 5, 2, 1, 4], [0.55f, 0.15f, 0.12f, 0.1f, 0.08f])), 3, 76));
        }
        if (person.Landline is not null && rng.Bool(0.5f))
        {
            phones.Add(new PloomesPhone(Spelling.Phone(person.Landline, 0), 2, 76));
        }
        // People sometimes work at one of the companies created before them.
        long? companyId = null;
        if (k > 0 && rng.Bool(0.3f))
        {
            var candidate = _contacts[rng.Number(0, (int)Math.Min(k, _contacts.Count) - 1)];
            companyId = candidate.TypeId == 1 ? candidate.Id : candidate.CompanyId;
        }
        return new PloomesContact
        {
            Id = id,
            TypeId = 2,
            Name = Spelling.Name(person.FullName, h),
            Cpf = rng.Bool(0.85f) ? Spelling.Cpf(person.Cpf, rng.Bool(0.6f)) : null,
            Email = rng.Bool(0.95f) ? Spelling.Email(person, Det.Mix(h ^ 11), placeholderShare: 0.005) : null,
            CompanyId = companyId,
            OwnerId = owner,
            OriginId = rng.Bool(0.6f) ? rng.Number(1, 8) : null,
            Address = rng.Bool(0.7f) ? person.Address : null,
            Birthday = rng.Bool(0.3f) ? person.BirthDate : null,
            CreateDate = created,
            LastUpdateDate = updated,
            UpdaterId = owner,
            Phones = phones,
            TagIds = tags,
            Person = person,
        };
    }

    private PloomesDeal BuildDeal(long k, DateTimeOffset created, DateTimeOffset anchor, PloomesContact? contact = null)
    {
        var rng = Det.Rng(_seed, "ploomes:deal", k);
        // Deals go to contacts created before them.
        contact ??= _contacts[(int)Math.Min(_contacts.Count - 1, Math.Max(0, k - rng.Number(0, (int)Math.Min(k, 200))))];
        var (pipeline, stages) = rng.Bool(0.8f) ? Pipelines[0] : Pipelines[1];
        var status = rng.WeightedRandom([1, 2, 3], [0.55f, 0.3f, 0.15f]);
        var stage = status switch
        {
            2 => stages[^1],
            _ => stages[rng.Number(0, stages.Length - 2)],
        };
        if (created < contact.CreateDate)
        {
            created = contact.CreateDate;
        }
        created = created.AddTicks(-(created.Ticks % TimeSpan.TicksPerMillisecond));
        var updated = Updated(rng, created, anchor).ToOffset(Brasilia);
        updated = updated.AddTicks(-(updated.Ticks % TimeSpan.TicksPerMillisecond));
        var owner = rng.ArrayElement(Owners);
        return new PloomesDeal
        {
            Id = 500_000_001 + k,
            Title = $"{rng.ArrayElement(DealProducts)} - {contact.Name}",
            ContactId = contact.Id,
            ContactName = contact.Name,
            PersonId = contact.TypeId == 2 ? contact.Id : null,
            PipelineId = pipeline,
            StageId = stage,
            StatusId = status,
            Amount = Math.Round(rng.Number(15, 800) * 100m + rng.ArrayElement(AmountCents), 2),
            OwnerId = owner,
            OriginId = rng.Bool(0.5f) ? rng.Number(1, 8) : null,
            LossReasonId = status == 3 ? rng.Number(1, 6) : null,
            StartDate = created,
            FinishDate = status == 1 ? null : updated,
            CreateDate = created,
            LastUpdateDate = updated,
            UpdaterId = owner,
            DealNumber = (int)(k + 1),
            TagIds = Enumerable.Range(0, rng.WeightedRandom([0, 1, 2], [0.5f, 0.35f, 0.15f])).Select(_ => rng.ArrayElement(Tags).Id).Distinct().ToList(),
        };
    }
}
