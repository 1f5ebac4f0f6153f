using System.Globalization;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Domain.People;
using Platform.SourceSimulator.Domain.Stripe;

namespace Platform.SourceSimulator.GoHighLevel;

/// <summary>A <c>POST /contacts/search</c> request, validated.</summary>
/// <param name="PageLimit">1–500.</param>
/// <param name="Page">Standard paging (1-based); only within the first 10,000 records.</param>
/// <param name="SearchAfter">The <c>searchAfter</c> value of the last contact of the previous page.</param>
/// <param name="RangeField"><c>dateAdded</c> or <c>dateUpdated</c>: the field of the range filter.</param>
/// <param name="Gte">Range filter lower bound (inclusive).</param>
/// <param name="Lte">Range filter upper bound (inclusive).</param>
/// <param name="SortField"><c>dateAdded</c> (default) or <c>dateUpdated</c>.</param>
/// <param name="Descending">Sort direction (default descending).</param>
/// <param name="Email">Filter <c>email eq</c>.</param>
internal sealed record GhlContactQuery(int PageLimit, int? Page, (long Sort, string Id)? SearchAfter, string RangeField, DateTimeOffset? Gte,
    DateTimeOffset? Lte, string SortField, bool Descending, string? Email);

/// <summary>A <c>GET /opportunities/search</c> request: newest first, <c>startAfter</c> (ms) + <c>startAfterId</c> cursor.</summary>
internal sealed record GhlOpportunityQuery(int Limit, long? StartAfter, string? StartAfterId, string? Status);

/// <summary>
/// One GoHighLevel location (sub-account): contacts and opportunities generated on request from the seed, so a location
/// of 217,324 contacts costs no memory until it is read, and only the records changed at run time are held. Contact
/// <c>i</c> was added at a time that grows with <c>i</c>, so the default order (dateAdded, newest first) and the
/// <c>searchAfter</c> cursor are arithmetic, not a sort.
/// </summary>
internal sealed class GhlData
{
    public const int MaxPageLimit = 500;

    /// <summary>Standard paging stops here; beyond it only <c>searchAfter</c> works.</summary>
    public const int PageWindow = 10_000;

    public const int MaxOpportunityLimit = 100;

    /// <summary>Webhook types <see cref="Emit"/> produces.</summary>
    public static readonly IReadOnlyList<string> EmittableTypes =
    [
        "ContactCreate", "ContactUpdate", "ContactDelete", "ContactTagUpdate", "ContactDndUpdate",
        "OpportunityCreate", "OpportunityUpdate", "OpportunityStatusUpdate",
    ];

    public static readonly IReadOnlyList<string> OpportunityStatuses = ["open", "won", "lost", "abandoned"];

    private static readonly string[] Tags =
        ["cliente", "lead-quente", "webinar-2024", "black-friday", "newsletter", "vip", "boleto-pendente", "indicacao"];

    private static readonly string[] Sources = ["Formulário site", "Facebook Ads", "Instagram", "Google Ads", "Indicação", "WhatsApp", "Importação CSV"];

    private static readonly string[] Products = ["Mentoria Premium", "Curso Online", "Consultoria", "Plano Anual", "Workshop Presencial"];

    private static readonly (string Key, string Name, string Type)[] CustomFieldDefinitions =
    [
        ("contact.cpf", "CPF", "TEXT"),
        ("contact.produto_de_interesse", "Produto de interesse", "SINGLE_OPTIONS"),
        ("contact.origem_do_lead", "Origem do lead", "TEXT"),
    ];

    private readonly object _sync = new();
    private readonly Population _people;
    private readonly int _seed;
    private readonly long _startMs;
    private readonly long _stepMs;
    private readonly long _anchorMs;
    private readonly string _pipelineId;
    private readonly string[] _stageIds;
    private readonly string[] _customFieldIds;
    private readonly Dictionary<long, ContactChange> _contactChanges = [];
    private readonly Dictionary<long, OpportunityChange> _opportunityChanges = [];
    private long _contacts;
    private long _opportunities;

    public GhlData(int seed, int size, string location, DateTimeOffset anchor, int historyDays)
    {
        _seed = seed;
        Size = size;
        Location = location;
        _people = new Population(seed);
        _anchorMs = anchor.ToUnixTimeMilliseconds();
        _startMs = _anchorMs - (long)historyDays * 86_400_000;
        _stepMs = Math.Max(2, (_anchorMs - _startMs) / Math.Max(1, size));
        _contacts = size;
        _opportunities = Math.Max(1, size / 5);
        _pipelineId = Det.StripeId("", seed, "ghl-pipeline", 0, 20);
        _stageIds = [.. Enumerable.Range(0, 4).Select(i => Det.Uuid(seed, "ghl-stage", i).ToString())];
        _customFieldIds = [.. Enumerable.Range(0, CustomFieldDefinitions.Length).Select(i => Det.StripeId("", seed, "ghl-cf", i, 20))];
    }

    public int Size { get; }

    public string Location { get; }

    public long ContactCount
    {
        get
        {
            lock (_sync)
            {
                return _contacts;
            }
        }
    }

    private sealed record ContactChange(long? DateUpdatedMs, long? DateAddedMs, bool Deleted, bool? Dnd, string? ExtraTag, string? CompanyName);

    private sealed record OpportunityChange(long UpdatedMs, long? CreatedMs, string? Status, decimal? Value);

    // ------------------------------------------------------------------ contacts

    private long DateAdded(long i)
    {
        if (_contactChanges.TryGetValue(i, out var change) && change.DateAddedMs is { } added)
        {
            return added;
        }
        // Strictly increasing in i: the jitter stays below one step.
        return _startMs + (i * _stepMs) + (long)Det.Below(Det.Hash(_seed, "ghl-added", i), _stepMs - 1);
    }

    private long DateUpdated(long i)
    {
        if (_contactChanges.TryGetValue(i, out var change) && change.DateUpdatedMs is { } updated)
        {
            return updated;
        }
        var added = DateAdded(i);
        var h = Det.Hash(_seed, "ghl-updated", i);
        // Two contacts in five were never edited after they were added.
        return Det.Unit(h) < 0.4 ? added : added + (long)(Det.Unit(Det.Mix(h)) * Math.Max(0, _anchorMs - added) * 0.5);
    }

    private bool Deleted(long i) => _contactChanges.TryGetValue(i, out var change) && change.Deleted;

    public string ContactId(long i) => Det.StripeId("", _seed, "ghl-contact", i, 20);

    private long PersonKey(long i)
    {
        // Shared people (multiples of 4) meet the other sources of the same seed; own people live far above theirs.
        var key = _people.KeyFor(1, i, Size, 0.02);
        return key % 4 == 0 ? key : 4 * (i + 1_100_000) + 1;
    }

    /// <summary>One page of <c>POST /contacts/search</c>.</summary>
    public JsonObject Search(GhlContactQuery query)
    {
        lock (_sync)
        {
            List<long> page;
            long total;
            var plain = query.Gte is null && query.Lte is null && query.Email is null && query.SortField == "dateAdded";
            if (plain)
            {
                // The 217,324-contact path: no sort, no scan; deleted contacts are skipped as the walk meets them.
                total = _contacts - _contactChanges.Values.Count(c => c.Deleted);
                page = [];
                var step = query.Descending ? -1 : 1;
                long from;
                if (query.SearchAfter is { } after)
                {
                    var at = IndexAtOrBelow(after.Sort);
                    from = query.Descending ? (at >= 0 && DateAdded(at) == after.Sort ? at - 1 : at) : at + 1;
                }
                else
                {
                    var skip = (long)((query.Page ?? 1) - 1) * query.PageLimit;
                    from = query.Descending ? _contacts - 1 - skip : skip;
                }
                for (var i = from; i >= 0 && i < _contacts && page.Count < query.PageLimit; i += step)
                {
                    if (!Deleted(i))
                    {
                        page.Add(i);
                    }
                }
            }
            else
            {
                var gte = query.Gte?.ToUnixTimeMilliseconds();
                var lte = query.Lte?.ToUnixTimeMilliseconds();
                var matching = new List<(long Sort, string Id, long Index)>();
                for (long i = 0; i < _contacts; i++)
                {
                    if (Deleted(i))
                    {
                        continue;
                    }
                    var updated = DateUpdated(i);
                    var ranged = query.RangeField == "dateAdded" ? DateAdded(i) : updated;
                    if ((gte is not null && ranged < gte) || (lte is not null && ranged > lte))
                    {
                        continue;
                    }
                    if (query.Email is not null && !string.Equals(Contact(i)["email"]?.GetValue<string>(), query.Email, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }
                    matching.Add((query.SortField == "dateUpdated" ? updated : DateAdded(i), ContactId(i), i));
                }
                var comparer = Comparer<(long Sort, string Id, long Index)>.Create((a, b) =>
                {
                    var c = a.Sort.CompareTo(b.Sort);
                    c = c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
                    return query.Descending ? -c : c;
                });
                matching.Sort(comparer);
                total = matching.Count;
                var start = 0;
                if (query.SearchAfter is { } after)
                {
                    var probe = (after.Sort, after.Id, -1L);
                    var at = matching.BinarySearch(probe, comparer);
                    start = at >= 0 ? at + 1 : ~at;
                }
                else if (query.Page is { } p)
                {
                    start = (p - 1) * query.PageLimit;
                }
                page = [.. matching.Skip(start).Take(query.PageLimit).Select(m => m.Index)];
            }

            var contacts = new JsonArray();
            foreach (var i in page)
            {
                var contact = Contact(i);
                var sort = query.SortField == "dateUpdated" ? DateUpdated(i) : DateAdded(i);
                contact["searchAfter"] = new JsonArray(sort, ContactId(i));
                contacts.Add(contact);
            }
            return new JsonObject { ["contacts"] = contacts, ["total"] = total };
        }
    }

    /// <summary>The largest index whose dateAdded is at most <paramref name="ms"/> (dateAdded grows with the index).</summary>
    private long IndexAtOrBelow(long ms)
    {
        long lo = 0, hi = _contacts - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (DateAdded(mid) <= ms)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }

    /// <summary>Contact <paramref name="i"/> as the search endpoint and webhooks show it.</summary>
    public JsonObject Contact(long i)
    {
        var person = _people.Person(PersonKey(i));
        var h = Det.Hash(_seed, "ghl-contact-spelling", i);
        _contactChanges.TryGetValue(i, out var change);
        var id = ContactId(i);
        var first = Spelling.Name(person.FirstName, h);
        var last = Spelling.Name(person.LastName, h);
        // HighLevel stores E.164, but imports and integrations write what they were given.
        var digits = person.Mobile;
        var phone = (Det.Mix(h) % 20) switch
        {
            0 => Spelling.Phone(digits, 0),
            1 => digits,
            _ => "+55" + digits,
        };
        var tags = new JsonArray();
        var tagBits = Det.Hash(_seed, "ghl-tags", i);
        for (var t = 0; t < Tags.Length; t++)
        {
            if (((tagBits >> (t * 3)) & 7) == 0)
            {
                tags.Add(Tags[t]);
            }
        }
        if (change?.ExtraTag is { } extra && !tags.Any(n => n!.GetValue<string>() == extra))
        {
            tags.Add(extra);
        }
        var dnd = change?.Dnd ?? Det.Unit(Det.Hash(_seed, "ghl-dnd", i)) < 0.05;
        var customFields = new JsonArray();
        if (Det.Unit(h) < 0.6)
        {
            customFields.Add(new JsonObject { ["id"] = _customFieldIds[0], ["value"] = Spelling.Cpf(person.Cpf, Det.Unit(Det.Mix(h + 1)) < 0.5) });
        }
        customFields.Add(new JsonObject { ["id"] = _customFieldIds[1], ["value"] = Products[(int)(tagBits % (ulong)Products.Length)] });
        var source = Sources[(int)(Det.Mix(tagBits) % (ulong)Sources.Length)];
        customFields.Add(new JsonObject { ["id"] = _customFieldIds[2], ["value"] = source });
        return new JsonObject
        {
            ["id"] = id,
            ["locationId"] = Location,
            ["contactName"] = $"{first} {last}".ToLowerInvariant(),
            ["firstName"] = first,
            ["lastName"] = last,
            ["firstNameRaw"] = first,
            ["lastNameRaw"] = last,
            ["companyName"] = change?.CompanyName,
            ["email"] = Spelling.Email(person, Det.Hash(_seed, "ghl-email", i), 0.01),
            ["phone"] = phone,
            ["dnd"] = dnd,
            ["dndSettings"] = dnd
                ? new JsonObject { ["SMS"] = new JsonObject { ["status"] = "active", ["message"] = "Descadastrado por SMS", ["code"] = "101" } }
                : new JsonObject(),
            ["type"] = tags.Any(n => n!.GetValue<string>() == "cliente") ? "customer" : "lead",
            ["source"] = source,
            ["assignedTo"] = Det.StripeId("", _seed, "ghl-user", (long)(tagBits % 5), 20),
            ["address1"] = person.Address.Line1,
            ["city"] = person.Address.City.Name,
            ["state"] = person.Address.City.Uf,
            ["country"] = "BR",
            ["postalCode"] = person.Address.FormattedCep,
            ["website"] = null,
            ["tags"] = tags,
            ["dateOfBirth"] = person.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00.000Z",
            ["dateAdded"] = Iso(DateAdded(i)),
            ["dateUpdated"] = Iso(DateUpdated(i)),
            ["customFields"] = customFields,
            ["additionalEmails"] = new JsonArray(),
            ["businessId"] = null,
        };
    }

    /// <summary>The location's custom field definitions (<c>GET /locations/{id}/customFields</c>).</summary>
    public JsonObject CustomFields()
    {
        var fields = new JsonArray();
        for (var k = 0; k < CustomFieldDefinitions.Length; k++)
        {
            var (key, name, type) = CustomFieldDefinitions[k];
            fields.Add(new JsonObject
            {
                ["id"] = _customFieldIds[k],
                ["name"] = name,
                ["fieldKey"] = key,
                ["placeholder"] = "",
                ["dataType"] = type,
                ["position"] = k * 50,
                ["model"] = "contact",
                ["locationId"] = Location,
                ["dateAdded"] = Iso(_startMs),
            });
        }
        return new JsonObject { ["customFields"] = fields };
    }

    /// <summary>The location's tags (<c>GET /locations/{id}/tags</c>).</summary>
    public JsonObject LocationTags()
    {
        var tags = new JsonArray();
        for (var k = 0; k < Tags.Length; k++)
        {
            tags.Add(new JsonObject { ["id"] = Det.StripeId("", _seed, "ghl-tag", k, 20), ["name"] = Tags[k], ["locationId"] = Location });
        }
        return new JsonObject { ["tags"] = tags };
    }

    // ------------------------------------------------------------------ opportunities

    private long OpportunityCreated(long j)
    {
        if (_opportunityChanges.TryGetValue(j, out var change) && change.CreatedMs is { } created)
        {
            return created;
        }
        var step = Math.Max(2, (_anchorMs - _startMs) / Math.Max(1, Size / 5));
        return _startMs + (j * step) + (long)Det.Below(Det.Hash(_seed, "ghl-opp-created", j), step - 1);
    }

    public string OpportunityId(long j) => Det.StripeId("", _seed, "ghl-opportunity", j, 20);

    public JsonObject Opportunities(GhlOpportunityQuery query)
    {
        lock (_sync)
        {
            var items = new JsonArray();
            long from = _opportunities - 1;
            if (query.StartAfter is { } after)
            {
                // Newest first: continue below the cursor (createdAt grows with the index).
                long lo = 0, hi = _opportunities - 1, found = -1;
                while (lo <= hi)
                {
                    var mid = lo + ((hi - lo) / 2);
                    if (OpportunityCreated(mid) < after || (OpportunityCreated(mid) == after && string.CompareOrdinal(OpportunityId(mid), query.StartAfterId ?? "") < 0))
                    {
                        found = mid;
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }
                from = found;
            }
            long total = 0;
            for (long j = 0; j < _opportunities; j++)
            {
                if (query.Status is null || OpportunityStatus(j) == query.Status)
                {
                    total++;
                }
            }
            JsonObject? last = null;
            long lastCreated = 0;
            for (var j = from; j >= 0 && items.Count < query.Limit; j--)
            {
                if (query.Status is not null && OpportunityStatus(j) != query.Status)
                {
                    continue;
                }
                last = Opportunity(j);
                lastCreated = OpportunityCreated(j);
                items.Add(last);
            }
            var more = last is not null && items.Count == query.Limit;
            return new JsonObject
            {
                ["opportunities"] = items,
                ["meta"] = new JsonObject
                {
                    ["total"] = total,
                    ["nextPageUrl"] = more ? $"/opportunities/search?location_id={Location}&limit={query.Limit}&startAfter={lastCreated}&startAfterId={last!["id"]}" : null,
                    ["startAfterId"] = more ? last!["id"]!.GetValue<string>() : null,
                    ["startAfter"] = more ? lastCreated : null,
                    ["currentPage"] = null,
                    ["nextPage"] = null,
                    ["prevPage"] = null,
                },
                ["aggregations"] = new JsonObject(),
            };
        }
    }

    private string OpportunityStatus(long j)
    {
        if (_opportunityChanges.TryGetValue(j, out var change) && change.Status is { } status)
        {
            return status;
        }
        var u = Det.Unit(_seed, "ghl-opp-status", j);
        return u < 0.5 ? "open" : u < 0.75 ? "won" : u < 0.9 ? "lost" : "abandoned";
    }

    public JsonObject Opportunity(long j)
    {
        _opportunityChanges.TryGetValue(j, out var change);
        var contactIndex = (long)Det.Below(Det.Hash(_seed, "ghl-opp-contact", j), Math.Min(_contacts, Size));
        var contact = Contact(contactIndex);
        var h = Det.Hash(_seed, "ghl-opp", j);
        var product = Products[(int)(h % (ulong)Products.Length)];
        var value = change?.Value ?? (Det.Below(Det.Mix(h), 4_990_00) + 1_000) / 100m;
        var created = OpportunityCreated(j);
        var updated = change?.UpdatedMs ?? created;
        var status = OpportunityStatus(j);
        var stage = status switch { "won" => _stageIds[3], "open" => _stageIds[(int)(h % 3)], _ => _stageIds[2] };
        return new JsonObject
        {
            ["id"] = OpportunityId(j),
            ["name"] = $"{product} - {contact["firstName"]} {contact["lastName"]}",
            ["monetaryValue"] = value,
            ["pipelineId"] = _pipelineId,
            ["pipelineStageId"] = stage,
            ["assignedTo"] = contact["assignedTo"]!.GetValue<string>(),
            ["status"] = status,
            ["source"] = contact["source"]!.GetValue<string>(),
            ["lastStatusChangeAt"] = Iso(updated),
            ["lastStageChangeAt"] = Iso(updated),
            ["createdAt"] = Iso(created),
            ["updatedAt"] = Iso(updated),
            ["contactId"] = contact["id"]!.GetValue<string>(),
            ["locationId"] = Location,
            ["lostReasonId"] = null,
            ["contact"] = new JsonObject
            {
                ["id"] = contact["id"]!.GetValue<string>(),
                ["name"] = $"{contact["firstName"]} {contact["lastName"]}",
                ["companyName"] = contact["companyName"]?.GetValue<string>(),
                ["email"] = contact["email"]!.GetValue<string>(),
                ["phone"] = contact["phone"]!.GetValue<string>(),
                ["tags"] = contact["tags"]!.DeepClone(),
            },
        };
    }

    // ------------------------------------------------------------------ changes

    /// <summary>Updates <paramref name="count"/> contacts (new dateUpdated, a tag) and moves a fifth as many opportunities.</summary>
    public ChangeSet Mutate(int count, DateTimeOffset now)
    {
        lock (_sync)
        {
            var updated = new List<ChangedRecord>();
            var ms = now.ToUnixTimeMilliseconds();
            for (var k = 0; k < count; k++)
            {
                var i = (long)Det.Below(Det.Hash(_seed, "ghl-mutate", ms + k), _contacts);
                Change(i, c => c with { DateUpdatedMs = ms, ExtraTag = "atualizado" });
                updated.Add(new ChangedRecord("contacts", ContactId(i)));
            }
            for (var k = 0; k < Math.Max(1, count / 5); k++)
            {
                var j = (long)Det.Below(Det.Hash(_seed, "ghl-mutate-opp", ms + k), _opportunities);
                _opportunityChanges[j] = new OpportunityChange(ms, _opportunityChanges.GetValueOrDefault(j)?.CreatedMs, "won", null);
                updated.Add(new ChangedRecord("opportunities", OpportunityId(j)));
            }
            return new ChangeSet(updated, [], []);
        }
    }

    private void Change(long i, Func<ContactChange, ContactChange> apply) =>
        _contactChanges[i] = apply(_contactChanges.GetValueOrDefault(i) ?? new ContactChange(null, null, false, null, null, null));

    /// <summary>Makes the change a webhook reports and returns its body (without timestamp and webhookId).</summary>
    public JsonObject Emit(string type, DateTimeOffset now)
    {
        lock (_sync)
        {
            var ms = now.ToUnixTimeMilliseconds();
            var pick = (long)Det.Below(Det.Hash(_seed, "ghl-emit:" + type, ms), Math.Max(1, _contacts));
            JsonObject body;
            switch (type)
            {
                case "ContactCreate":
                    {
                        var i = _contacts++;
                        _contactChanges[i] = new ContactChange(ms, Math.Max(ms, DateAdded(i - 1) + 1), false, null, null, null);
                        body = Contact(i);
                        break;
                    }
                case "ContactUpdate":
                    Change(pick, c => c with { DateUpdatedMs = ms, CompanyName = "Empresa Atualizada Ltda" });
                    body = Contact(pick);
                    break;
                case "ContactDelete":
                    body = Contact(pick);
                    Change(pick, c => c with { DateUpdatedMs = ms, Deleted = true });
                    break;
                case "ContactTagUpdate":
                    Change(pick, c => c with { DateUpdatedMs = ms, ExtraTag = "tag-via-webhook" });
                    body = Contact(pick);
                    break;
                case "ContactDndUpdate":
                    Change(pick, c => c with { DateUpdatedMs = ms, Dnd = true });
                    body = Contact(pick);
                    break;
                case "OpportunityCreate":
                    {
                        var j = _opportunities++;
                        _opportunityChanges[j] = new OpportunityChange(ms, Math.Max(ms, OpportunityCreated(j - 1) + 1), "open", null);
                        body = OpportunityHook(j);
                        break;
                    }
                default:
                    {
                        var j = (long)Det.Below(Det.Hash(_seed, "ghl-emit-opp", ms), _opportunities);
                        var status = type == "OpportunityStatusUpdate" ? "won" : OpportunityStatus(j);
                        _opportunityChanges[j] = new OpportunityChange(ms, _opportunityChanges.GetValueOrDefault(j)?.CreatedMs, status, null);
                        body = OpportunityHook(j);
                        break;
                    }
            }
            body.Remove("searchAfter");
            var flat = new JsonObject { ["type"] = type, ["locationId"] = Location };
            foreach (var (key, value) in body.ToList())
            {
                body.Remove(key);
                // "type" is the event's: the contact's own type (lead, customer) is not part of HighLevel's deliveries.
                if (key is not ("locationId" or "type"))
                {
                    flat[key] = value;
                }
            }
            return flat;
        }
    }

    /// <summary>The webhook shape of an opportunity (flat, <c>dateAdded</c> instead of createdAt, no contact object).</summary>
    private JsonObject OpportunityHook(long j)
    {
        var o = Opportunity(j);
        return new JsonObject
        {
            ["id"] = o["id"]!.GetValue<string>(),
            ["assignedTo"] = o["assignedTo"]!.GetValue<string>(),
            ["contactId"] = o["contactId"]!.GetValue<string>(),
            ["monetaryValue"] = o["monetaryValue"]!.GetValue<decimal>(),
            ["name"] = o["name"]!.GetValue<string>(),
            ["pipelineId"] = o["pipelineId"]!.GetValue<string>(),
            ["pipelineStageId"] = o["pipelineStageId"]!.GetValue<string>(),
            ["source"] = o["source"]!.GetValue<string>(),
            ["status"] = o["status"]!.GetValue<string>(),
            ["dateAdded"] = o["createdAt"]!.GetValue<string>(),
        };
    }

    private static string Iso(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
