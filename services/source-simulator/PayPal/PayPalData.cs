using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Domain.People;
using Platform.SourceSimulator.Domain.Stripe;

namespace Platform.SourceSimulator.PayPal;

/// <summary>A <c>GET /v1/reporting/transactions</c> request, validated.</summary>
internal sealed record PayPalTransactionQuery(DateTimeOffset Start, DateTimeOffset End, int PageSize, int Page, bool AllFields,
    string? TransactionId, string? Status);

/// <summary>One transaction as PayPal's Transaction Search holds it.</summary>
internal sealed record PayPalTransaction(
    string Id,
    string EventCode,
    DateTimeOffset At,
    DateTimeOffset UpdatedAt,
    decimal Amount,
    decimal Fee,
    string Currency,
    string Status,
    string? ReferenceId,
    string? ReferenceType,
    long PersonKey,
    string PayerId,
    string? Subject,
    string? PayerEmail = null);

/// <summary>
/// One PayPal business account: payments (T0006, and T0002 for subscription payments) over the history window,
/// refunds (T1107) of a tenth of them and reversals (T1106) of a fiftieth, each its own transaction pointing at the
/// payment (<c>paypal_reference_id</c>, type TXN), plus subscriptions (<c>I-…</c>). Payers are people of the shared
/// population (the same persons other sources of the seed hold). Generated once, on first use.
/// </summary>
internal sealed class PayPalData
{
    public const int MaxPageSize = 500;

    /// <summary>Transaction Search answers ranges of at most 31 days.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    /// <summary>Executed transactions take up to this long to appear in Transaction Search.</summary>
    public static readonly TimeSpan Latency = TimeSpan.FromHours(3);

    /// <summary>Webhook event types <see cref="Emit"/> produces.</summary>
    public static readonly IReadOnlyList<string> EmittableTypes = ["PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"];

    private static readonly string[] Products = ["Ebook Receitas Fit", "Curso de Inglês Online", "Assinatura Clube do Livro", "Consultoria 1h", "Ingresso Workshop"];

    private readonly object _sync = new();
    private readonly Population _people;
    private readonly int _seed;
    private readonly List<PayPalTransaction> _transactions = [];
    private readonly Dictionary<string, JsonObject> _subscriptions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _malformed = new(StringComparer.Ordinal);
    private long _sequence;

    public PayPalData(int seed, int size, DateTimeOffset anchor, int historyDays)
    {
        _seed = seed;
        _people = new Population(seed);
        AccountNumber = Det.Base62(Det.Hash(seed, "pp-account", 0), 13).ToUpperInvariant();
        var start = anchor - TimeSpan.FromDays(historyDays);
        var span = (anchor - start).TotalSeconds;
        var payments = new List<PayPalTransaction>(size);
        var subscriptionCount = Math.Max(1, size / 20);
        for (var s = 0; s < subscriptionCount; s++)
        {
            var key = PersonKeyFor(s);
            var id = "I-" + Det.Base62(Det.Hash(seed, "pp-sub", s), 12).ToUpperInvariant();
            var person = _people.Person(key);
            _subscriptions[id] = new JsonObject
            {
                ["id"] = id,
                ["plan_id"] = "P-" + Det.Base62(Det.Hash(seed, "pp-plan", s % 3), 24).ToUpperInvariant(),
                ["status"] = Det.Unit(seed, "pp-sub-status", s) < 0.8 ? "ACTIVE" : "CANCELLED",
                ["start_time"] = Rfc3339(start.AddSeconds(Det.Unit(seed, "pp-sub-start", s) * span * 0.5)),
                ["quantity"] = "1",
                ["subscriber"] = new JsonObject
                {
                    ["email_address"] = person.Email,
                    ["payer_id"] = PayerId(key),
                    ["name"] = new JsonObject { ["given_name"] = person.FirstName, ["surname"] = person.LastName },
                },
                ["billing_info"] = new JsonObject
                {
                    ["last_payment"] = new JsonObject
                    {
                        ["amount"] = new JsonObject { ["currency_code"] = "BRL", ["value"] = "49.90" },
                    },
                },
                ["create_time"] = Rfc3339(start),
                ["update_time"] = Rfc3339(start),
            };
        }
        var subscriptionIds = _subscriptions.Keys.ToArray();
        for (var i = 0; i < size; i++)
        {
            var at = start.AddSeconds(Math.Floor(Det.Unit(seed, "pp-at", i) * span));
            var h = Det.Hash(seed, "pp-tx", i);
            var isSubscription = Det.Unit(h) < 0.1;
            var key = isSubscription ? PersonKeyFor((int)(Det.Mix(h) % (ulong)subscriptionIds.Length)) : PersonKeyFor(i + subscriptionCount);
            var currency = Det.Unit(Det.Mix(h + 1)) < 0.9 ? "BRL" : "USD";
            var amount = isSubscription ? 49.90m : (Det.Below(Det.Mix(h + 2), 150_000) + 990) / 100m;
            var status = Det.Unit(Det.Mix(h + 3)) switch { < 0.93 => "S", < 0.97 => "P", _ => "D" };
            payments.Add(new PayPalTransaction(TransactionId(i), isSubscription ? "T0002" : "T0006", at, at, amount, -Fee(amount), currency,
                status, isSubscription ? subscriptionIds[(int)(Det.Mix(h) % (ulong)subscriptionIds.Length)] : null, isSubscription ? "SUB" : null,
                key, PayerId(key), Products[(int)(Det.Mix(h + 4) % (ulong)Products.Length)]));
        }
        _transactions.AddRange(payments);
        var succeeded = payments.Where(p => p.Status == "S").ToList();
        for (var r = 0; r < size / 10 && succeeded.Count > 0; r++)
        {
            var original = succeeded[(int)Det.Below(Det.Hash(seed, "pp-refund", r), succeeded.Count)];
            var partial = Det.Unit(seed, "pp-refund-partial", r) < 0.3;
            var value = partial ? Math.Round(original.Amount / 2, 2) : original.Amount;
            var at = Later(original.At, anchor, Det.Unit(seed, "pp-refund-at", r));
            _transactions.Add(original with
            {
                Id = TransactionId(size + r), EventCode = "T1107", At = at, UpdatedAt = at, Amount = -value, Fee = Fee(value) * value / original.Amount,
                ReferenceId = original.Id, ReferenceType = "TXN",
            });
        }
        for (var v = 0; v < size / 50 && succeeded.Count > 0; v++)
        {
            var original = succeeded[(int)Det.Below(Det.Hash(seed, "pp-reversal", v), succeeded.Count)];
            var at = Later(original.At, anchor, Det.Unit(seed, "pp-reversal-at", v));
            _transactions.Add(original with
            {
                Id = TransactionId(size + (size / 10) + v), EventCode = "T1106", At = at, UpdatedAt = at, Amount = -original.Amount, Fee = 0m,
                ReferenceId = original.Id, ReferenceType = "TXN",
            });
        }
        _sequence = _transactions.Count;
        _transactions.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Id, b.Id));
    }

    public string AccountNumber { get; }

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _transactions.Count;
            }
        }
    }

    private long PersonKeyFor(long record)
    {
        var key = _people.KeyFor(2, record, 1_000_000, 0.01);
        return key % 4 == 0 ? key : 4 * (record + 1_500_000) + 3;
    }

    private string TransactionId(long index) => Det.StripeId("", _seed, "pp-txn", index, 17).ToUpperInvariant();

    private string PayerId(long key) => Det.Base62(Det.Hash(_seed, "pp-payer", key), 13).ToUpperInvariant();

    private static decimal Fee(decimal amount) => Math.Round((amount * 0.0479m) + 0.60m, 2);

    private static DateTimeOffset Later(DateTimeOffset at, DateTimeOffset anchor, double unit) =>
        at + TimeSpan.FromSeconds(Math.Floor(Math.Max(60, (anchor - at).TotalSeconds) * Math.Min(unit, 0.2) + 60));

    /// <summary>Marks a transaction so its next rendering carries an amount PayPal would never send (tests of bad pages).</summary>
    public bool Corrupt(string transactionId)
    {
        lock (_sync)
        {
            return _transactions.Any(t => t.Id == transactionId) && _malformed.Add(transactionId);
        }
    }

    /// <summary>
    /// A payment of <paramref name="amount"/> by the payer <paramref name="email"/> at <paramref name="paidAt"/>, and a refund
    /// (T1107) one hour later and a reversal (T1106) two hours later of the given parts of it, each pointing at the payment.
    /// </summary>
    public (string Payment, string? Refund, string? Reversal) Scenario(string email, decimal amount, string currency, decimal? refund, decimal? reversal,
        DateTimeOffset paidAt)
    {
        lock (_sync)
        {
            var key = PersonKeyFor(_sequence);
            var payment = new PayPalTransaction(TransactionId(_sequence++), "T0006", paidAt, paidAt, amount, -Fee(amount), currency, "S", null, null,
                key, PayerId(key), Products[1], email);
            _transactions.Add(payment);
            string? refundId = null, reversalId = null;
            if (refund is { } r)
            {
                var at = paidAt.AddHours(1);
                refundId = TransactionId(_sequence++);
                _transactions.Add(payment with { Id = refundId, EventCode = "T1107", At = at, UpdatedAt = at, Amount = -r, Fee = 0m, ReferenceId = payment.Id, ReferenceType = "TXN" });
            }
            if (reversal is { } v)
            {
                var at = paidAt.AddHours(2);
                reversalId = TransactionId(_sequence++);
                _transactions.Add(payment with { Id = reversalId, EventCode = "T1106", At = at, UpdatedAt = at, Amount = -v, Fee = 0m, ReferenceId = payment.Id, ReferenceType = "TXN" });
            }
            _transactions.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Id, b.Id));
            return (payment.Id, refundId, reversalId);
        }
    }

    /// <summary>Every transaction id (tests pick one to corrupt or refund).</summary>
    public IReadOnlyList<string> TransactionIds()
    {
        lock (_sync)
        {
            return [.. _transactions.Select(t => t.Id)];
        }
    }

    public JsonObject Search(PayPalTransactionQuery query, DateTimeOffset now)
    {
        lock (_sync)
        {
            var visibleUntil = now - Latency;
            var matching = _transactions.Where(t => t.At >= query.Start && t.At < query.End && t.At <= visibleUntil
                && (query.TransactionId is null || t.Id == query.TransactionId)
                && (query.Status is null || t.Status == query.Status)).ToList();
            var totalPages = Math.Max(1, (int)Math.Ceiling(matching.Count / (double)query.PageSize));
            var details = new JsonArray();
            foreach (var t in matching.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize))
            {
                details.Add(Render(t, query.AllFields));
            }
            var links = new JsonArray
            {
                Link($"/v1/reporting/transactions?start_date={Rfc3339(query.Start)}&end_date={Rfc3339(query.End)}&page_size={query.PageSize}&page={query.Page}", "self"),
            };
            if (query.Page < totalPages)
            {
                links.Add(Link($"/v1/reporting/transactions?start_date={Rfc3339(query.Start)}&end_date={Rfc3339(query.End)}&page_size={query.PageSize}&page={query.Page + 1}", "next"));
            }
            return new JsonObject
            {
                ["transaction_details"] = details,
                ["account_number"] = AccountNumber,
                ["start_date"] = PayPalDate(query.Start),
                ["end_date"] = PayPalDate(query.End),
                ["last_refreshed_datetime"] = PayPalDate(visibleUntil),
                ["page"] = query.Page,
                ["total_items"] = matching.Count,
                ["total_pages"] = totalPages,
                ["links"] = links,
            };
        }
    }

    public JsonObject? Subscription(string id)
    {
        lock (_sync)
        {
            return _subscriptions.TryGetValue(id, out var subscription) ? (JsonObject)subscription.DeepClone() : null;
        }
    }

    private JsonObject Render(PayPalTransaction t, bool all)
    {
        var info = new JsonObject
        {
            ["paypal_account_id"] = t.PayerId,
            ["transaction_id"] = t.Id,
        };
        if (t.ReferenceId is not null)
        {
            info["paypal_reference_id"] = t.ReferenceId;
            info["paypal_reference_id_type"] = t.ReferenceType;
        }
        info["transaction_event_code"] = t.EventCode;
        info["transaction_initiation_date"] = PayPalDate(t.At);
        info["transaction_updated_date"] = PayPalDate(t.UpdatedAt);
        info["transaction_amount"] = _malformed.Contains(t.Id) ? Money(t.Currency, "12,34.5x") : Money(t.Currency, t.Amount);
        info["fee_amount"] = Money(t.Currency, t.Fee);
        info["transaction_status"] = t.Status;
        info["transaction_subject"] = t.Subject;
        info["invoice_id"] = "INV-" + t.Id[..8];
        info["protection_eligibility"] = "01";
        var detail = new JsonObject { ["transaction_info"] = info };
        if (!all)
        {
            return detail;
        }
        var person = _people.Person(t.PersonKey);
        var h = Det.Hash(_seed, "pp-spelling", t.PersonKey);
        var payer = new JsonObject
        {
            ["account_id"] = t.PayerId,
            ["email_address"] = t.PayerEmail ?? Spelling.Email(person, h),
            ["address_status"] = "Y",
            ["payer_status"] = "Y",
            ["payer_name"] = new JsonObject
            {
                ["given_name"] = person.FirstName,
                ["surname"] = person.LastName,
                ["alternate_full_name"] = person.FullName,
            },
            ["country_code"] = "BR",
        };
        if (Det.Unit(Det.Mix(h)) < 0.7)
        {
            payer["phone_number"] = new JsonObject { ["country_code"] = "55", ["national_number"] = person.Mobile };
        }
        detail["payer_info"] = payer;
        detail["shipping_info"] = new JsonObject
        {
            ["name"] = person.FullName,
            ["address"] = new JsonObject
            {
                ["line1"] = person.Address.Line1,
                ["city"] = person.Address.City.Name,
                ["state"] = person.Address.City.Uf,
                ["country_code"] = "BR",
                ["postal_code"] = person.Address.FormattedCep,
            },
        };
        detail["cart_info"] = new JsonObject
        {
            ["item_details"] = new JsonArray(new JsonObject
            {
                ["item_name"] = t.Subject,
                ["item_quantity"] = "1",
                ["item_amount"] = Money(t.Currency, Math.Abs(t.Amount)),
            }),
        };
        detail["store_info"] = new JsonObject();
        detail["auction_info"] = new JsonObject();
        detail["incentive_info"] = new JsonObject();
        return detail;
    }

    /// <summary>
    /// Makes the change a webhook reports: a new captured payment, or a refund or reversal of a recent one, visible to
    /// Transaction Search only after its 3-hour delay, as on PayPal.
    /// </summary>
    public JsonObject Emit(string type, DateTimeOffset now)
    {
        lock (_sync)
        {
            var eventId = "WH-" + Det.Base62(Det.Hash(_seed, "pp-event", _sequence), 17).ToUpperInvariant() + "-" +
                Det.Base62(Det.Hash(_seed, "pp-event2", _sequence), 17).ToUpperInvariant();
            PayPalTransaction transaction;
            if (type == "PAYMENT.CAPTURE.COMPLETED")
            {
                var key = PersonKeyFor(_sequence);
                transaction = new PayPalTransaction(TransactionId(_sequence++), "T0006", now, now, 120.00m, -Fee(120.00m), "BRL", "S", null, null,
                    key, PayerId(key), Products[0]);
            }
            else
            {
                var original = _transactions.LastOrDefault(t => t.EventCode is "T0006" or "T0002" && t.Status == "S")
                    ?? throw new InvalidOperationException("the account has no payment to refund");
                var refund = type == "PAYMENT.CAPTURE.REFUNDED";
                var value = refund ? Math.Round(original.Amount / 2, 2) : original.Amount - Math.Round(original.Amount / 2, 2);
                transaction = original with
                {
                    Id = TransactionId(_sequence++), EventCode = refund ? "T1107" : "T1106", At = now, UpdatedAt = now, Amount = -value, Fee = 0m,
                    ReferenceId = original.Id, ReferenceType = "TXN",
                };
            }
            _transactions.Add(transaction);
            var resource = new JsonObject
            {
                ["id"] = transaction.Id,
                ["amount"] = Money(transaction.Currency, Math.Abs(transaction.Amount)),
                ["status"] = type switch { "PAYMENT.CAPTURE.COMPLETED" => "COMPLETED", "PAYMENT.CAPTURE.REFUNDED" => "COMPLETED", _ => "COMPLETED" },
                ["invoice_id"] = "INV-" + transaction.Id[..8],
                ["create_time"] = Rfc3339(now),
                ["update_time"] = Rfc3339(now),
                ["links"] = new JsonArray(
                    Link($"https://api-m.paypal.com/v2/payments/{(type == "PAYMENT.CAPTURE.COMPLETED" ? "captures" : "refunds")}/{transaction.Id}", "self")),
            };
            if (transaction.ReferenceId is not null)
            {
                ((JsonArray)resource["links"]!).Add(Link($"https://api-m.paypal.com/v2/payments/captures/{transaction.ReferenceId}", "up"));
            }
            return new JsonObject
            {
                ["id"] = eventId,
                ["event_version"] = "1.0",
                ["create_time"] = Rfc3339(now),
                ["resource_type"] = type == "PAYMENT.CAPTURE.COMPLETED" ? "capture" : "refund",
                ["resource_version"] = "2.0",
                ["event_type"] = type,
                ["summary"] = type switch
                {
                    "PAYMENT.CAPTURE.COMPLETED" => $"Payment completed for BRL {Math.Abs(transaction.Amount).ToString("0.00", CultureInfo.InvariantCulture)}",
                    "PAYMENT.CAPTURE.REFUNDED" => "A capture was refunded",
                    _ => "A capture was reversed",
                },
                ["resource"] = resource,
                ["links"] = new JsonArray(Link($"https://api-m.paypal.com/v1/notifications/webhooks-events/{eventId}", "self")),
            };
        }
    }

    private static JsonObject Money(string currency, decimal value) =>
        new() { ["currency_code"] = currency, ["value"] = value.ToString("0.00", CultureInfo.InvariantCulture) };

    private static JsonObject Money(string currency, string raw) => new() { ["currency_code"] = currency, ["value"] = raw };

    private static JsonObject Link(string href, string rel) => new() { ["href"] = href, ["rel"] = rel, ["method"] = "GET" };

    /// <summary>PayPal's reporting format: <c>2014-07-11T04:03:52+0000</c> (no colon in the offset).</summary>
    public static string PayPalDate(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";

    public static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>CRC-32 (IEEE) of the raw body, as PayPal's signature message spells it (unsigned decimal).</summary>
    public static uint Crc32(string body)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in Encoding.UTF8.GetBytes(body))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
