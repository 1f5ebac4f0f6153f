using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Domain.People;

namespace Platform.SourceSimulator.ManyChat;

/// <summary>A ManyChat subscriber as the API shows it; tags change when the connector adds them.</summary>
internal sealed class ManyChatSubscriber
{
    public required string Id { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public string? Email { get; init; }
    /// <summary>E.164, as ManyChat stores phones.</summary>
    public string? Phone { get; init; }
    public string? WhatsAppPhone { get; init; }
    public bool OptinEmail { get; init; }
    public bool OptinPhone { get; init; }
    public DateTimeOffset SubscribedAt { get; init; }
    public DateTimeOffset LastInteraction { get; init; }
    public decimal AmountSpent { get; init; }
    public Dictionary<string, string?> CustomFields { get; init; } = [];
    public HashSet<string> Tags { get; } = new(StringComparer.Ordinal);
}

/// <summary>One addTag call the simulator answered: what the connector pushed and what it got back.</summary>
internal sealed record TagCall(string SubscriberId, string TagName, bool Added, int Status, DateTimeOffset At);

/// <summary>One sendFlow call the simulator accepted.</summary>
internal sealed record FlowCall(string SubscriberId, string FlowNs, DateTimeOffset At);

/// <summary>
/// One ManyChat page (token <c>page_id:api_key</c>): its subscribers, drawn from the shared population of its seed so
/// the people who bought on Hotmart (same seed) are subscribers here too, plus any the test adds by hand.
/// </summary>
internal sealed class ManyChatAccount
{
    private readonly ConcurrentDictionary<string, ManyChatSubscriber> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ManyChatSubscriber> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ManyChatSubscriber> _byPhone = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TagCall> _tagCalls = new();
    private readonly ConcurrentQueue<FlowCall> _flowCalls = new();
    private readonly object _tagSync = new();
    private int _pendingFaults;
    private int _faultStatus;

    public ManyChatAccount(string token, int seed, int size, double rateScale, DateTimeOffset anchor)
    {
        Token = token;
        PageId = token[..token.IndexOf(':', StringComparison.Ordinal)];
        Seed = seed;
        Size = size;
        RateScale = rateScale;
        var people = new Population(seed);
        for (var r = 0; r < size; r++)
        {
            // Shared people (keys divisible by 4) are the same persons Hotmart, Stripe and Ploomes accounts of this seed meet.
            var key = people.KeyFor(3, r, size, 0);
            var person = people.Person(key % 4 == 0 ? key : 3_000_000_000 + r);
            var days = (int)(Det.Hash(seed, "manychat:days", r) % 700);
            Add(new ManyChatSubscriber
            {
                Id = (2_000_000_000L + seed * 10_000_000L + r).ToString(CultureInfo.InvariantCulture),
                FirstName = person.FirstName,
                LastName = person.LastName,
                Email = person.Email,
                Phone = "+55" + person.Mobile,
                WhatsAppPhone = r % 3 == 0 ? "+55" + person.Mobile : null,
                OptinEmail = r % 4 != 0,
                OptinPhone = r % 5 == 0,
                SubscribedAt = anchor.AddDays(-days - 30),
                LastInteraction = anchor.AddDays(-days % 30),
                AmountSpent = r % 7 == 0 ? 97m * (1 + r % 3) : 0m,
                CustomFields = new Dictionary<string, string?> { ["Curso de interesse"] = r % 2 == 0 ? "Inglês" : "Espanhol", ["Cidade"] = person.Address.City.Name },
            });
        }
    }

    public string Token { get; }
    public string PageId { get; }
    public int Seed { get; }
    public int Size { get; }

    /// <summary>Multiplies ManyChat's per-endpoint limits (0 turns them off; tests and benchmarks use it).</summary>
    public double RateScale { get; }

    public IEnumerable<ManyChatSubscriber> Subscribers => _byId.Values.OrderBy(s => s.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<TagCall> TagCalls => _tagCalls;

    public IReadOnlyCollection<FlowCall> FlowCalls => _flowCalls;

    /// <summary>Records a flow run for the subscriber (the simulator runs no flow; tests count the calls).</summary>
    public void SendFlow(ManyChatSubscriber subscriber, string flowNs, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _flowCalls.Enqueue(new FlowCall(subscriber.Id, flowNs, at));
    }

    public void Add(ManyChatSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _byId[subscriber.Id] = subscriber;
        if (subscriber.Email is not null)
        {
            _byEmail.TryAdd(subscriber.Email, subscriber);
        }
        if (subscriber.Phone is not null)
        {
            _byPhone.TryAdd(Digits(subscriber.Phone), subscriber);
        }
    }

    public ManyChatSubscriber? ById(string id) => _byId.GetValueOrDefault(id);

    public ManyChatSubscriber? ByEmail(string email) => _byEmail.GetValueOrDefault(email.Trim());

    public ManyChatSubscriber? ByPhone(string phone) => _byPhone.GetValueOrDefault(Digits(phone));

    /// <summary>Adds a tag; false when the subscriber already had it (ManyChat answers success either way).</summary>
    public bool AddTag(ManyChatSubscriber subscriber, string tag, DateTimeOffset at)
    {
        bool added;
        lock (_tagSync)
        {
            added = subscriber.Tags.Add(tag);
        }
        _tagCalls.Enqueue(new TagCall(subscriber.Id, tag, added, 200, at));
        return added;
    }

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/>.</summary>
    public void Fail(int status, int count)
    {
        Volatile.Write(ref _faultStatus, status);
        Volatile.Write(ref _pendingFaults, count);
    }

    public int? TakeFault()
    {
        while (true)
        {
            var pending = Volatile.Read(ref _pendingFaults);
            if (pending <= 0)
            {
                return null;
            }
            if (Interlocked.CompareExchange(ref _pendingFaults, pending - 1, pending) == pending)
            {
                return Volatile.Read(ref _faultStatus);
            }
        }
    }

    public static string Digits(string phone) => new([.. phone.Where(char.IsAsciiDigit)]);

    public JsonObject Json(ManyChatSubscriber s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string[] tags;
        lock (_tagSync)
        {
            tags = [.. s.Tags];
        }
        return new JsonObject
        {
            ["id"] = s.Id,
            ["page_id"] = PageId,
            ["user_refs"] = new JsonArray(),
            ["status"] = "active",
            ["first_name"] = s.FirstName,
            ["last_name"] = s.LastName,
            ["name"] = $"{s.FirstName} {s.LastName}",
            ["gender"] = null,
            ["profile_pic"] = null,
            ["locale"] = "pt_BR",
            ["language"] = "Portuguese",
            ["timezone"] = "UTC-03",
            ["live_chat_url"] = $"https://manychat.com/fb{PageId}/chat/{s.Id}",
            ["last_input_text"] = null,
            ["optin_phone"] = s.OptinPhone,
            ["phone"] = s.Phone,
            ["optin_email"] = s.OptinEmail,
            ["email"] = s.Email,
            ["subscribed"] = s.SubscribedAt.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["last_interaction"] = s.LastInteraction.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["last_seen"] = s.LastInteraction.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["is_followup_enabled"] = true,
            ["ig_username"] = null,
            ["ig_id"] = null,
            ["whatsapp_phone"] = s.WhatsAppPhone,
            ["optin_whatsapp"] = s.WhatsAppPhone is not null,
            ["custom_fields"] = new JsonArray([.. s.CustomFields.Select((f, i) => (JsonNode)new JsonObject
            {
                ["id"] = 10_000 + i,
                ["name"] = f.Key,
                ["type"] = "text",
                ["description"] = "",
                ["value"] = f.Value,
            })]),
            ["tags"] = new JsonArray([.. tags.Order(StringComparer.Ordinal).Select(t => (JsonNode)new JsonObject
            {
                ["id"] = (long)(Det.Hash(0, "manychat:tag:" + t, 0) % 1_000_000),
                ["name"] = t,
            })]),
        };
    }
}
