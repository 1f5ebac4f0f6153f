using System.Globalization;
using System.Text.Json.Nodes;
using Randomizer = Bogus.Randomizer;
using Platform.SourceSimulator.Domain.People;
using Platform.SourceSimulator.Domain;

namespace Platform.SourceSimulator.Domain.Stripe;

/// <summary>A change made at run time: which objects changed or appeared, and the events recorded for them.</summary>
internal sealed record ChangeSet(IReadOnlyList<ChangedRecord> Updated, IReadOnlyList<ChangedRecord> Created, IReadOnlyList<string> Events);

internal sealed record ChangedRecord(string Stream, string Id);

/// <summary>
/// One Stripe account's objects: customers, charges (one payment intent each), subscriptions, invoices, refunds (a
/// tenth of the charges) and disputes (a fiftieth), created over the history window before the anchor, plus the events
/// of the last 30 days. Everything is generated once, on first use, from the seed; every method locks the account.
/// </summary>
internal sealed class StripeData
{
    public const string ApiVersion = "2025-03-31.basil";

    /// <summary>Events Stripe keeps.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    public static readonly IReadOnlyList<string> StreamNames =
        ["customers", "charges", "payment_intents", "invoices", "subscriptions", "refunds", "disputes"];

    /// <summary>The event types <see cref="Emit"/> can produce (what <c>POST /_simulator/webhooks</c> accepts).</summary>
    public static readonly IReadOnlyList<string> EmittableTypes =
    [
        "customer.created", "customer.updated", "charge.succeeded", "charge.failed", "charge.pending", "charge.refunded",
        "charge.dispute.created", "payment_intent.succeeded", "payment_intent.payment_failed", "invoice.created",
        "invoice.finalized", "invoice.paid", "customer.subscription.created", "customer.subscription.updated",
        "customer.subscription.deleted",
    ];

    private static readonly StripePrice[] Prices =
    [
        new("price_1PsimEssencialMensal0001", "prod_SimEssencial01", "Plano Essencial", 4990, "month"),
        new("price_1PsimEssencialAnual00002", "prod_SimEssencial01", "Plano Essencial", 47900, "year"),
        new("price_1PsimProfissionalMens003", "prod_SimProfission1", "Plano Profissional", 9990, "month"),
        new("price_1PsimProfissionalAnua004", "prod_SimProfission1", "Plano Profissional", 95900, "year"),
        new("price_1PsimEmpresarialMensa005", "prod_SimEmpresaria1", "Plano Empresarial", 29990, "month"),
    ];

    private static readonly (string Name, long Amount)[] OneOffProducts =
    [
        ("Curso Online de Marketing Digital", 19700), ("Workshop de Vendas", 49700), ("Consultoria Individual", 150000),
        ("E-book Finanças Pessoais", 4790), ("Mentoria em Grupo", 99700), ("Ingresso Imersão Presencial", 129000),
    ];

    private static readonly int[] CustomerPhoneStyles = [3, 3, 3, 1, 0, 2];

    private static readonly int[] InstallmentChoices = [2, 3, 6, 10, 12];

    private static readonly string[] DisputeReasons = ["fraudulent", "product_not_received", "duplicate", "subscription_canceled", "general"];

    private static readonly string[] CardBrands = ["visa", "visa", "mastercard", "mastercard", "elo", "amex", "hipercard"];

    private readonly object _sync = new();
    private readonly int _seed;
    private readonly int _size;
    private readonly Population _people;
    private readonly StripeStream<StripeCustomer> _customers = new();
    private readonly StripeStream<StripeCharge> _charges = new();
    private readonly StripeStream<StripePaymentIntent> _paymentIntents = new();
    private readonly StripeStream<StripeInvoice> _invoices = new();
    private readonly StripeStream<StripeSubscription> _subscriptions = new();
    private readonly StripeStream<StripeRefund> _refunds = new();
    private readonly StripeStream<StripeDispute> _disputes = new();
    private readonly StripeStream<StripeEvent> _events = new();
    private long _changes;

    public StripeData(int seed, int size, DateTimeOffset anchor, int historyDays)
    {
        _seed = seed;
        _size = size;
        _people = new Population(seed);
        var end = anchor.ToUnixTimeSeconds();
        var start = end - (long)historyDays * 86_400;
        Generate(start, end);
        GenerateEvents(end - (long)(EventRetention.TotalSeconds + 86_400));
    }

    /// <summary>A page of a list endpoint as JSON; null when the cursor names no object of the stream.</summary>
    public (JsonArray Data, bool HasMore)? List(string stream, StripeListQuery query)
    {
        lock (_sync)
        {
            return stream switch
            {
                "customers" => Render(_customers.Page(query)),
                "charges" => Render(_charges.Page(query)),
                "payment_intents" => Render(_paymentIntents.Page(query)),
                "invoices" => Render(_invoices.Page(query)),
                "subscriptions" => Render(_subscriptions.Page(query)),
                "refunds" => Render(_refunds.Page(query)),
                "disputes" => Render(_disputes.Page(query)),
                "events" => Render(_events.Page(query)),
                _ => null,
            };
        }
    }

    public JsonObject? Retrieve(string stream, string id)
    {
        lock (_sync)
        {
            StripeObject? found = stream switch
            {
                "customers" => _customers.Find(id),
                "charges" => _charges.Find(id),
                "payment_intents" => _paymentIntents.Find(id),
                "invoices" => _invoices.Find(id),
                "subscriptions" => _subscriptions.Find(id),
                "refunds" => _refunds.Find(id),
                "disputes" => _disputes.Find(id),
                "events" => _events.Find(id),
                _ => null,
            };
            return found is null ? null : StripeJson.Render(found);
        }
    }

    /// <summary>
    /// Changes <paramref name="count"/> existing objects (customer details, pending charges settling or charges
    /// refunded, subscription and invoice statuses) and creates a fifth as many new customers with a paid charge,
    /// recording an event for each change.
    /// </summary>
    public ChangeSet Mutate(int count, DateTimeOffset now)
    {
        lock (_sync)
        {
            var updated = new List<ChangedRecord>();
            var created = new List<ChangedRecord>();
            var events = new List<string>();
            string[] kinds = ["customer.updated", "charge.settled", "subscription.changed", "invoice.settled"];
            for (var i = 0; i < count; i++)
            {
                var (changed, eventIds) = Change(kinds[i % kinds.Length], now);
                updated.AddRange(changed);
                events.AddRange(eventIds);
            }
            for (var i = 0; i < Math.Max(1, count / 5); i++)
            {
                var customer = NewCustomer(now);
                created.Add(new ChangedRecord("customers", customer.Id));
                events.Add(Record("customer.created", customer, now).Id);
                var charge = NewCharge(customer, now, "succeeded");
                created.Add(new ChangedRecord("charges", charge.Id));
                created.Add(new ChangedRecord("payment_intents", charge.PaymentIntentId));
                events.Add(Record("payment_intent.succeeded", _paymentIntents.Find(charge.PaymentIntentId)!, now).Id);
                events.Add(Record("charge.succeeded", charge, now).Id);
            }
            return new ChangeSet(updated, created, events);
        }
    }

    /// <summary>
    /// Makes the change an event of <paramref name="type"/> reports (a new customer for customer.created, a refund for
    /// charge.refunded…) and returns the event's JSON, ready to be delivered as a webhook.
    /// </summary>
    public string Emit(string type, DateTimeOffset now)
    {
        lock (_sync)
        {
            var (_, eventIds) = Change(type, now);
            var evt = _events.Find(eventIds[^1])!;
            return StripeJson.Render(evt).Text();
        }
    }

    private (List<ChangedRecord> Changed, List<string> Events) Change(string type, DateTimeOffset now)
    {
        var rng = new Randomizer(unchecked((int)Det.Hash(_seed, "stripe:change", _changes++)));
        var changed = new List<ChangedRecord>();
        var events = new List<string>();
        void Changed(string stream, StripeObject o, string eventType, IReadOnlyDictionary<string, object?>? previous = null)
        {
            changed.Add(new ChangedRecord(stream, o.Id));
            events.Add(Record(eventType, o, now, previous).Id);
        }
        switch (type)
        {
            case "customer.created":
                Changed("customers", NewCustomer(now), type);
                break;
            case "customer.updated":
            {
                var customer = _customers[rng.Number(_customers.Count - 1)];
                var previous = new Dictionary<string, object?>();
                switch (rng.Number(2))
                {
                    case 0:
                        previous["email"] = customer.Email;
                        customer.Email = customer.Email == customer.Person.AltEmail ? customer.Person.Email : customer.Person.AltEmail;
                        break;
                    case 1:
                        previous["phone"] = customer.Phone;
                        customer.Phone = Spelling.Phone(customer.Person.Mobile, rng.Number(6));
                        break;
                    default:
                        previous["address"] = customer.Address is null ? null : StripeJson.Address(customer.Address);
                        customer.Address = customer.Person.Address;
                        break;
                }
                Changed("customers", customer, type, previous);
                break;
            }
            case "charge.succeeded" or "payment_intent.succeeded" or "charge.failed" or "payment_intent.payment_failed" or "charge.pending":
            {
                var status = type switch { "charge.failed" or "payment_intent.payment_failed" => "failed", "charge.pending" => "pending", _ => "succeeded" };
                var charge = NewCharge(_customers[rng.Number(_customers.Count - 1)], now, status);
                var intent = _paymentIntents.Find(charge.PaymentIntentId)!;
                var (first, second) = type.StartsWith("charge.", StringComparison.Ordinal) ? ((StripeObject)intent, (StripeObject)charge) : (charge, intent);
                var firstType = first is StripeCharge ? ChargeEventType(charge) : IntentEventType(intent);
                var secondType = second is StripeCharge ? ChargeEventType(charge) : IntentEventType(intent);
                Changed(first is StripeCharge ? "charges" : "payment_intents", first, firstType);
                Changed(second is StripeCharge ? "charges" : "payment_intents", second, secondType);
                break;
            }
            case "charge.settled":
            {
                // A pending boleto or pix settles; without one, a paid charge is refunded.
                var pending = _charges.Items.Where(c => c.Status == "pending").Skip(rng.Number(3)).FirstOrDefault()
                    ?? _charges.Items.FirstOrDefault(c => c.Status == "pending");
                if (pending is not null)
                {
                    var previous = new Dictionary<string, object?> { ["status"] = "pending", ["paid"] = false };
                    pending.Status = "succeeded";
                    pending.BalanceTransaction = Det.StripeId("txn_3", _seed, "balance_transactions", _size + _changes, 23);
                    Changed("payment_intents", _paymentIntents.Find(pending.PaymentIntentId)!, "payment_intent.succeeded",
                        new Dictionary<string, object?> { ["status"] = "processing" });
                    Changed("charges", pending, "charge.succeeded", previous);
                }
                else
                {
                    return Change("charge.refunded", now);
                }
                break;
            }
            case "charge.refunded":
            {
                var charge = PickCharge(rng, c => c.Status == "succeeded" && c.AmountRefunded == 0 && !c.Disputed);
                if (charge is null)
                {
                    return Change("customer.updated", now);
                }
                var refund = NewRefund(charge, now.ToUnixTimeSeconds(), charge.Amount, "requested_by_customer", append: true);
                changed.Add(new ChangedRecord("refunds", refund.Id));
                events.Add(Record("refund.created", refund, now).Id);
                Changed("charges", charge, "charge.refunded", new Dictionary<string, object?> { ["amount_refunded"] = 0L, ["refunded"] = false });
                break;
            }
            case "charge.dispute.created":
            {
                var charge = PickCharge(rng, c => c.Status == "succeeded" && c.AmountRefunded == 0 && !c.Disputed && c.Method == "card");
                if (charge is null)
                {
                    return Change("customer.updated", now);
                }
                var dispute = NewDispute(charge, now.ToUnixTimeSeconds(), "needs_response", append: true);
                Changed("disputes", dispute, type);
                break;
            }
            case "invoice.created":
            {
                var invoice = NewInvoice(_customers[rng.Number(_customers.Count - 1)], null, now.ToUnixTimeSeconds(), "open", rng, append: true);
                Changed("invoices", invoice, type);
                break;
            }
            case "invoice.settled" or "invoice.paid" or "invoice.finalized":
            {
                var wanted = type == "invoice.finalized" ? "draft" : "open";
                var invoice = _invoices.Items.Where(i => i.Status == wanted).Skip(rng.Number(3)).FirstOrDefault()
                    ?? _invoices.Items.FirstOrDefault(i => i.Status == wanted);
                if (invoice is null)
                {
                    invoice = NewInvoice(_customers[rng.Number(_customers.Count - 1)], null, now.ToUnixTimeSeconds(), wanted, rng, append: true);
                }
                var previous = new Dictionary<string, object?> { ["status"] = invoice.Status };
                if (invoice.Status == "draft")
                {
                    invoice.Status = "open";
                    invoice.FinalizedAt = now.ToUnixTimeSeconds();
                    Changed("invoices", invoice, "invoice.finalized", previous);
                }
                else
                {
                    invoice.Status = "paid";
                    invoice.PaidAt = now.ToUnixTimeSeconds();
                    invoice.AttemptCount++;
                    Changed("invoices", invoice, "invoice.paid", previous);
                }
                break;
            }
            case "customer.subscription.created":
            {
                var subscription = NewSubscription(_customers[rng.Number(_customers.Count - 1)], now.ToUnixTimeSeconds(), "active", rng, now.ToUnixTimeSeconds(), append: true);
                Changed("subscriptions", subscription, type);
                break;
            }
            case "customer.subscription.updated" or "customer.subscription.deleted" or "subscription.changed":
            {
                var subscription = _subscriptions.Items.Where(s => s.Status is "active" or "past_due" or "trialing").Skip(rng.Number(5)).FirstOrDefault();
                if (subscription is null)
                {
                    return Change("customer.subscription.created", now);
                }
                var previous = new Dictionary<string, object?> { ["status"] = subscription.Status };
                // Run-time changes (mutate) sometimes cancel a subscription that fell behind; webhooks do what their type says.
                var deleted = type == "customer.subscription.deleted" || (type == "subscription.changed" && subscription.Status == "past_due" && rng.Bool(0.4f));
                if (deleted)
                {
                    subscription.Status = "canceled";
                    subscription.CanceledAt = subscription.EndedAt = now.ToUnixTimeSeconds();
                    Changed("subscriptions", subscription, "customer.subscription.deleted", previous);
                }
                else
                {
                    subscription.Status = subscription.Status == "active" ? "past_due" : "active";
                    Changed("subscriptions", subscription, "customer.subscription.updated", previous);
                }
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported Stripe event type.");
        }
        return (changed, events);
    }

    private StripeCharge? PickCharge(Randomizer rng, Func<StripeCharge, bool> eligible)
    {
        // Probe a few random positions first (cheap), then scan from the newest.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var candidate = _charges[rng.Number(_charges.Count - 1)];
            if (eligible(candidate))
            {
                return candidate;
            }
        }
        for (var i = _charges.Count - 1; i >= 0; i--)
        {
            if (eligible(_charges[i]))
            {
                return _charges[i];
            }
        }
        return null;
    }

    private static string ChargeEventType(StripeCharge charge) => charge.Status switch
    {
        "succeeded" => "charge.succeeded",
        "pending" => "charge.pending",
        _ => "charge.failed",
    };

    private static string IntentEventType(StripePaymentIntent intent) => intent.Status switch
    {
        "succeeded" => "payment_intent.succeeded",
        "processing" => "payment_intent.processing",
        _ => "payment_intent.payment_failed",
    };

    private StripeEvent Record(string type, StripeObject subject, DateTimeOffset now, IReadOnlyDictionary<string, object?>? previous = null)
    {
        var evt = new StripeEvent
        {
            Id = Det.StripeId("evt_", _seed, "events", _events.Count, 24),
            Created = now.ToUnixTimeSeconds(),
            Type = type,
            Subject = subject,
            Snapshot = StripeJson.Render(subject).Text(),
            PreviousAttributes = previous,
        };
        _events.Append(evt);
        return evt;
    }

    private static (JsonArray, bool)? Render<T>((List<T> Page, bool HasMore)? page) where T : StripeObject =>
        page is null ? null : (new JsonArray([.. page.Value.Page.Select(o => (JsonNode)StripeJson.Render(o))]), page.Value.HasMore);

    // ------------------------------------------------------------------ generation

    private long CreatedAt(string stream, long index, long count, long start, long end)
    {
        var width = Math.Max(1, (end - start) / Math.Max(1, count));
        return start + index * width + Det.Below(Det.Hash(_seed, "created:" + stream, index), width);
    }

    private void Generate(long start, long end)
    {
        var n = _size;
        var customers = new List<StripeCustomer>(n);
        for (var k = 0; k < n; k++)
        {
            customers.Add(BuildCustomer(k, CreatedAt("customers", k, n, start, end)));
        }
        _customers.Load(customers);

        var charges = new List<StripeCharge>(n);
        var intents = new List<StripePaymentIntent>(n);
        for (var k = 0; k < n; k++)
        {
            var rng = Det.Rng(_seed, "stripe:charge", k);
            var customer = _customers[RecentIndex(rng, k)];
            var created = Math.Max(CreatedAt("charges", k, n, start, end), customer.Created);
            var charge = BuildCharge(k, customer, created, null, rng);
            charges.Add(charge);
            intents.Add(BuildIntent(charge, k));
        }
        _charges.Load(charges);
        _paymentIntents.Load(intents);

        var subscriptions = new List<StripeSubscription>(n);
        for (var k = 0; k < n; k++)
        {
            var rng = Det.Rng(_seed, "stripe:subscription", k);
            var customer = _customers[RecentIndex(rng, k)];
            var created = Math.Max(CreatedAt("subscriptions", k, n, start, end), customer.Created);
            var status = rng.WeightedRandom(
                ["active", "canceled", "past_due", "trialing", "unpaid", "incomplete", "incomplete_expired", "paused"],
                [0.58f, 0.2f, 0.07f, 0.05f, 0.03f, 0.03f, 0.02f, 0.02f]);
            subscriptions.Add(BuildSubscription(k, customer, created, status, rng, end));
        }
        _subscriptions.Load(subscriptions);

        var invoices = new List<StripeInvoice>(n);
        for (var k = 0; k < n; k++)
        {
            var rng = Det.Rng(_seed, "stripe:invoice", k);
            var created = CreatedAt("invoices", k, n, start, end);
            var status = rng.WeightedRandom(["paid", "open", "void", "uncollectible", "draft"], [0.78f, 0.09f, 0.05f, 0.04f, 0.04f]);
            if (rng.Bool(0.7f))
            {
                var subscription = _subscriptions[RecentIndex(rng, k)];
                invoices.Add(BuildInvoice(k, subscription.Customer, subscription, Math.Max(created, subscription.Created), status, rng));
            }
            else
            {
                var customer = _customers[RecentIndex(rng, k)];
                invoices.Add(BuildInvoice(k, customer, null, Math.Max(created, customer.Created), status, rng));
            }
        }
        _invoices.Load(invoices);
        foreach (var invoice in _invoices.Items)
        {
            if (invoice.Subscription is { } s)
            {
                s.LatestInvoiceId = invoice.Id;
            }
        }

        var refunds = new List<StripeRefund>();
        var refundCount = Math.Max(1, n / 10);
        for (var r = 0; r < refundCount; r++)
        {
            var rng = Det.Rng(_seed, "stripe:refund", r);
            var charge = PickCharge(rng, c => c.Status == "succeeded" && c.AmountRefunded == 0 && !c.Disputed);
            if (charge is null)
            {
                break;
            }
            var created = Math.Min(end - 1, charge.Created + rng.Number(3_600, 20 * 86_400));
            var partial = rng.Bool(0.25f);
            var amount = partial ? Math.Max(100, charge.Amount / 2 / 100 * 100) : charge.Amount;
            refunds.Add(NewRefund(charge, created, amount, rng.ArrayElement(new string?[] { "requested_by_customer", "duplicate", null }), append: false, index: r));
        }
        _refunds.Load(refunds);

        var disputes = new List<StripeDispute>();
        var disputeCount = Math.Max(1, n / 50);
        for (var d = 0; d < disputeCount; d++)
        {
            var rng = Det.Rng(_seed, "stripe:dispute", d);
            var charge = PickCharge(rng, c => c.Status == "succeeded" && c.AmountRefunded == 0 && !c.Disputed && c.Method == "card");
            if (charge is null)
            {
                break;
            }
            var created = Math.Min(end - 1, charge.Created + rng.Number(2 * 86_400, 40 * 86_400));
            var status = rng.WeightedRandom(["won", "lost", "needs_response", "under_review", "warning_closed"], [0.35f, 0.3f, 0.15f, 0.15f, 0.05f]);
            disputes.Add(NewDispute(charge, created, status, append: false, index: d));
        }
        _disputes.Load(disputes);
    }

    /// <summary>The index of an object created not long before the k-th of another stream (customers buy soon after signing up).</summary>
    private static int RecentIndex(Randomizer rng, int k)
    {
        if (k == 0)
        {
            return 0;
        }
        return rng.Bool(0.7f) ? Math.Max(0, k - 1 - rng.Number(0, Math.Min(k - 1, 60))) : rng.Number(0, k - 1);
    }

    private void GenerateEvents(long since)
    {
        var events = new List<(long Created, string Type, StripeObject Subject)>();
        foreach (var c in _customers.Items.Where(o => o.Created >= since))
        {
            events.Add((c.Created, "customer.created", c));
        }
        foreach (var intent in _paymentIntents.Items.Where(o => o.Created >= since))
        {
            events.Add((intent.Created, "payment_intent.created", intent));
            events.Add((intent.Created + 2, IntentEventType(intent), intent));
        }
        foreach (var charge in _charges.Items.Where(o => o.Created >= since))
        {
            events.Add((charge.Created + 1, ChargeEventType(charge), charge));
        }
        foreach (var s in _subscriptions.Items.Where(o => o.Created >= since))
        {
            events.Add((s.Created, "customer.subscription.created", s));
        }
        foreach (var invoice in _invoices.Items.Where(o => o.Created >= since))
        {
            events.Add((invoice.Created, "invoice.created", invoice));
            if (invoice.PaidAt is { } paid)
            {
                events.Add((paid, "invoice.paid", invoice));
            }
        }
        foreach (var refund in _refunds.Items.Where(o => o.Created >= since))
        {
            events.Add((refund.Created, "charge.refunded", refund.Charge));
            events.Add((refund.Created, "refund.created", refund));
        }
        foreach (var dispute in _disputes.Items.Where(o => o.Created >= since))
        {
            events.Add((dispute.Created, "charge.dispute.created", dispute));
        }
        var ordered = events.OrderBy(e => e.Created).ThenBy(e => e.Subject.Id, StringComparer.Ordinal).ThenBy(e => e.Type, StringComparer.Ordinal).ToList();
        _events.Load(ordered.Select((e, i) => new StripeEvent
        {
            Id = Det.StripeId("evt_", _seed, "events", i, 24),
            Created = e.Created,
            Type = e.Type,
            Subject = e.Subject,
        }));
    }

    private StripeCustomer BuildCustomer(long k, long created)
    {
        var person = _people.Person(_people.KeyFor(1, k, _size, 0.03));
        var h = Det.Hash(_seed, "stripe:customer", k);
        var rng = Det.Rng(_seed, "stripe:customer", k);
        return new StripeCustomer
        {
            Id = Det.StripeId("cus_", _seed, "customers", k, 14),
            Created = created,
            Person = person,
            Name = rng.Bool(0.97f) ? Spelling.Name(person.FullName, h) : null,
            Email = rng.Bool(0.93f) ? Spelling.Email(person, Det.Mix(h ^ 1)) : null,
            // Stripe Checkout collects phones in E.164; customers created through the API carry whatever was typed.
            Phone = rng.Bool(0.65f) ? Spelling.Phone(person.Mobile, rng.ArrayElement(CustomerPhoneStyles)) : null,
            Address = rng.Bool(0.55f) ? person.Address : null,
            Cpf = rng.Bool(0.5f) ? Spelling.Cpf(person.Cpf, rng.Bool()) : null,
            InvoicePrefix = Det.Base62(Det.Mix(h ^ 2), 8).ToUpperInvariant(),
            Delinquent = rng.Bool(0.04f),
        };
    }

    private StripeCharge BuildCharge(long k, StripeCustomer customer, long created, string? status, Randomizer rng)
    {
        var method = rng.WeightedRandom(["card", "boleto", "pix"], [0.7f, 0.18f, 0.12f]);
        status ??= method switch
        {
            "card" => rng.WeightedRandom(["succeeded", "failed"], [0.91f, 0.09f]),
            "boleto" => rng.WeightedRandom(["succeeded", "pending", "failed"], [0.8f, 0.12f, 0.08f]),
            _ => rng.WeightedRandom(["succeeded", "pending"], [0.95f, 0.05f]),
        };
        long amount;
        string description;
        if (rng.Bool(0.5f))
        {
            var price = rng.ArrayElement(Prices);
            amount = price.UnitAmount;
            description = $"Assinatura {price.ProductName}";
        }
        else
        {
            var (name, value) = rng.ArrayElement(OneOffProducts);
            amount = value;
            description = name;
        }
        var currency = rng.Bool(0.93f) ? "brl" : "usd";
        if (currency == "usd")
        {
            amount = Math.Max(500, amount / 500 * 100);
        }
        var installments = method == "card" && amount >= 19_700 && rng.Bool(0.4f) ? rng.ArrayElement(InstallmentChoices) : 1;
        var (failureCode, failureMessage) = status == "failed"
            ? rng.ArrayElement(new (string, string)[]
            {
                ("card_declined", "Your card was declined."),
                ("insufficient_funds", "Your card has insufficient funds."),
                ("expired_card", "Your card has expired."),
            })
            : ((string?)null, (string?)null);
        var h = Det.Hash(_seed, "stripe:charge-billing", k);
        return new StripeCharge
        {
            Id = Det.StripeId("ch_3", _seed, "charges", k, 23),
            Created = created,
            Customer = customer,
            PaymentIntentId = Det.StripeId("pi_3", _seed, "payment_intents", k, 23),
            PaymentMethodId = Det.StripeId("pm_1", _seed, "payment_methods", k, 23),
            Amount = amount,
            Currency = currency,
            Status = status,
            Method = method,
            CardBrand = rng.ArrayElement(CardBrands),
            Last4 = rng.Number(0, 9999).ToString("D4", CultureInfo.InvariantCulture),
            ExpMonth = rng.Number(1, 12),
            ExpYear = DateTimeOffset.FromUnixTimeSeconds(created).Year + rng.Number(1, 6),
            Installments = installments,
            Description = description,
            BalanceTransaction = status == "succeeded" ? Det.StripeId("txn_3", _seed, "balance_transactions", k, 23) : null,
            FailureCode = failureCode,
            FailureMessage = failureMessage,
            // Typed at checkout: often the same person spelled another way than on the customer.
            BillingName = Spelling.Name(customer.Person.FullName, h),
            BillingEmail = customer.Email ?? Spelling.Email(customer.Person, Det.Mix(h)),
            BillingPhone = rng.Bool(0.5f) ? Spelling.Phone(customer.Person.Mobile, (int)(h % 7)) : null,
            ReceiptToken = Det.Base62(Det.Mix(h ^ 7), 40),
        };
    }

    private StripePaymentIntent BuildIntent(StripeCharge charge, long k) => new()
    {
        Id = charge.PaymentIntentId,
        Created = charge.Created,
        Charge = charge,
        SecretSuffix = Det.Base62(Det.Hash(_seed, "stripe:pi-secret", k), 25),
    };

    private StripeSubscription BuildSubscription(long k, StripeCustomer customer, long created, string status, Randomizer rng, long now)
    {
        var price = rng.ArrayElement(Prices);
        var periodDays = price.Interval == "year" ? 365 : 30;
        var periodSeconds = periodDays * 86_400L;
        long? trialStart = null, trialEnd = null;
        if (status == "trialing" || rng.Bool(0.1f))
        {
            trialStart = created;
            trialEnd = created + 14 * 86_400;
        }
        long? canceledAt = null, endedAt = null;
        var lastMoment = now;
        if (status is "canceled" or "incomplete_expired")
        {
            canceledAt = endedAt = Math.Min(now - 1, created + rng.Number(1, 12) * periodSeconds / 2);
            lastMoment = canceledAt.Value;
        }
        var elapsed = Math.Max(0, lastMoment - created) / periodSeconds;
        var periodStart = created + elapsed * periodSeconds;
        return new StripeSubscription
        {
            Id = Det.StripeId("sub_1", _seed, "subscriptions", k, 23),
            Created = created,
            Customer = customer,
            Price = price,
            ItemId = Det.StripeId("si_", _seed, "subscription_items", k, 14),
            Status = status,
            StartDate = created,
            CurrentPeriodStart = periodStart,
            CurrentPeriodEnd = periodStart + periodSeconds,
            CanceledAt = canceledAt,
            EndedAt = endedAt,
            CancelAtPeriodEnd = status == "active" && rng.Bool(0.08f),
            TrialStart = trialStart,
            TrialEnd = trialEnd,
        };
    }

    private StripeInvoice BuildInvoice(long k, StripeCustomer customer, StripeSubscription? subscription, long created, string status, Randomizer rng)
    {
        var amount = subscription?.Price.UnitAmount ?? rng.ArrayElement(OneOffProducts).Amount;
        var description = subscription is null ? rng.ArrayElement(OneOffProducts).Name : $"{subscription.Price.ProductName} ({(subscription.Price.Interval == "year" ? "anual" : "mensal")})";
        var sequence = customer.NextInvoiceSequence++;
        return new StripeInvoice
        {
            Id = Det.StripeId("in_1", _seed, "invoices", k, 23),
            Created = created,
            Customer = customer,
            Subscription = subscription,
            LineId = Det.StripeId("il_1", _seed, "invoice_lines", k, 23),
            Number = $"{customer.InvoicePrefix}-{sequence:D4}",
            Description = description,
            Amount = amount,
            Currency = "brl",
            Status = status,
            PeriodStart = created,
            PeriodEnd = created + (subscription?.Price.Interval == "year" ? 365 : 30) * 86_400L,
            FinalizedAt = status == "draft" ? null : created + 3_600,
            PaidAt = status == "paid" ? created + rng.Number(3_600, 3 * 86_400) : null,
            VoidedAt = status == "void" ? created + 7 * 86_400 : null,
            MarkedUncollectibleAt = status == "uncollectible" ? created + 30 * 86_400 : null,
            AttemptCount = status is "paid" or "uncollectible" ? rng.Number(1, 3) : 0,
        };
    }

    // ------------------------------------------------------------------ run-time creation

    private StripeCustomer NewCustomer(DateTimeOffset now)
    {
        var customer = BuildCustomer(_customers.Count, now.ToUnixTimeSeconds());
        _customers.Append(customer);
        return customer;
    }

    private StripeCharge NewCharge(StripeCustomer customer, DateTimeOffset now, string status)
    {
        var k = _charges.Count;
        var rng = Det.Rng(_seed, "stripe:charge", k);
        var charge = BuildCharge(k, customer, now.ToUnixTimeSeconds(), status, rng);
        _charges.Append(charge);
        _paymentIntents.Append(BuildIntent(charge, k));
        return charge;
    }

    private StripeRefund NewRefund(StripeCharge charge, long created, long amount, string? reason, bool append, int index = -1)
    {
        var refund = new StripeRefund
        {
            Id = Det.StripeId("re_3", _seed, "refunds", append ? _refunds.Count : index, 23),
            Created = created,
            Charge = charge,
            Amount = amount,
            Status = "succeeded",
            Reason = reason,
        };
        charge.AmountRefunded += amount;
        if (append)
        {
            _refunds.Append(refund);
        }
        return refund;
    }

    private StripeDispute NewDispute(StripeCharge charge, long created, string status, bool append, int index = -1)
    {
        var rng = Det.Rng(_seed, "stripe:dispute-reason", append ? _disputes.Count : index);
        var dispute = new StripeDispute
        {
            Id = Det.StripeId("dp_1", _seed, "disputes", append ? _disputes.Count : index, 23),
            Created = created,
            Charge = charge,
            Amount = charge.Amount,
            Status = status,
            Reason = rng.ArrayElement(DisputeReasons),
            DueBy = created + 21 * 86_400,
        };
        charge.Disputed = true;
        if (append)
        {
            _disputes.Append(dispute);
        }
        return dispute;
    }

    private StripeInvoice NewInvoice(StripeCustomer customer, StripeSubscription? subscription, long created, string status, Randomizer rng, bool append)
    {
        var invoice = BuildInvoice(_invoices.Count, customer, subscription, created, status, rng);
        if (append)
        {
            _invoices.Append(invoice);
        }
        return invoice;
    }

    private StripeSubscription NewSubscription(StripeCustomer customer, long created, string status, Randomizer rng, long now, bool append)
    {
        var subscription = BuildSubscription(_subscriptions.Count, customer, created, status, rng, now);
        if (append)
        {
            _subscriptions.Append(subscription);
        }
        return subscription;
    }
}
