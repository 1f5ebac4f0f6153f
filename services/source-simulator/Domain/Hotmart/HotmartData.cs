using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Randomizer = Bogus.Randomizer;
using Platform.SourceSimulator.Domain.People;
using Platform.SourceSimulator.Domain.Stripe;
using Platform.SourceSimulator.Domain;

namespace Platform.SourceSimulator.Domain.Hotmart;

/// <summary>Filters of <c>sales/history</c> and <c>sales/users</c> (dates in Unix epoch milliseconds).</summary>
internal sealed record HotmartSalesQuery(
    int MaxResults,
    int Page,
    long? StartDate,
    long? EndDate,
    string? Transaction,
    string? TransactionStatus,
    string? BuyerEmail,
    string? BuyerName,
    long? ProductId,
    string? PaymentType);

/// <summary>
/// One Hotmart producer account: its products and sales (Size sales by three quarters as many buyers: some buy
/// again), newest first. Sales have every status Hotmart knows, so a connector that forgets that the API returns only
/// APPROVED and COMPLETE without a status filter misses a third of them.
/// </summary>
internal sealed class HotmartData
{
    /// <summary>Every transaction status of the REST API (the webhook spells some differently).</summary>
    public static readonly IReadOnlyList<string> Statuses =
    [
        "APPROVED", "BLOCKED", "CANCELLED", "CHARGEBACK", "COMPLETE", "EXPIRED", "NO_FUNDS", "OVERDUE", "PARTIALLY_REFUNDED",
        "PRE_ORDER", "PRINTED_BILLET", "PROCESSING_TRANSACTION", "PROTESTED", "REFUNDED", "STARTED", "UNDER_ANALISYS", "WAITING_PAYMENT",
    ];

    /// <summary>What the API returns when neither <c>transaction</c> nor <c>transaction_status</c> is given.</summary>
    public static readonly IReadOnlyList<string> DefaultStatuses = ["APPROVED", "COMPLETE"];

    public static readonly IReadOnlyList<string> PaymentTypes =
    [
        "BILLET", "CASH_PAYMENT", "CREDIT_CARD", "DIRECT_BANK_TRANSFER", "DIRECT_DEBIT", "FINANCED_BILLET", "FINANCED_INSTALLMENT",
        "GOOGLE_PAY", "HOTCARD", "HYBRID", "MANUAL_TRANSFER", "PAYPAL", "PAYPAL_INTERNACIONAL", "PICPAY", "PIX", "SAMSUNG_PAY", "WALLET",
    ];

    /// <summary>The webhook events <see cref="Emit"/> can produce.</summary>
    public static readonly IReadOnlyList<string> EmittableEvents =
    [
        "PURCHASE_APPROVED", "PURCHASE_COMPLETE", "PURCHASE_CANCELED", "PURCHASE_REFUNDED", "PURCHASE_CHARGEBACK", "PURCHASE_PROTEST",
        "PURCHASE_EXPIRED", "PURCHASE_BILLET_PRINTED", "PURCHASE_DELAYED", "PURCHASE_OUT_OF_SHOPPING_CART", "SUBSCRIPTION_CANCELLATION",
    ];

    private static readonly HotmartProduct[] Products =
    [
        new(2125812, "a3c1d7e2-5b1f-4c6e-9d2a-1f0e8b7c6d51", "Curso Completo de Excel Avançado", 297m, false, 0, ""),
        new(3391045, "b4d2e8f3-6c2a-4d7f-8e3b-2a1f9c8d7e62", "Método Emagrecer de Vez", 197m, false, 0, ""),
        new(1187920, "c5e3f9a4-7d3b-4e8a-9f4c-3b2a0d9e8f73", "Formação em Marketing Digital", 997m, false, 0, ""),
        new(4508811, "d6f4a0b5-8e4c-4f9b-8a5d-4c3b1e0f9a84", "Mentoria Finanças Pessoais", 1497m, false, 0, ""),
        new(2760034, "e7a5b1c6-9f5d-4a0c-9b6e-5d4c2f1a0b95", "Clube do Livro Digital", 39.9m, true, 114680, "Assinatura Mensal"),
        new(5120987, "f8b6c2d7-0a6e-4b1d-8c7f-6e5d3a2b1ca6", "Inglês Fluente em 6 Meses", 497m, false, 0, ""),
        new(3877610, "a9c7d3e8-1b7f-4c2e-9d8a-7f6e4b3c2db7", "Comunidade Empreendedores", 89.9m, true, 118224, "Plano Mensal"),
        new(6012234, "bad8e4f9-2c8a-4d3f-8e9b-8a7f5c4d3ec8", "Fotografia com Celular", 147m, false, 0, ""),
    ];

    private static readonly int[] InstallmentChoices = [1, 1, 1, 2, 3, 6, 10, 12];

    private static readonly string[] Sources = ["HOTMART", "PRODUCER", "AFFILIATE"];

    private static readonly string?[] Scks = ["HOTMART_PRODUCT_PAGE", "instagram_bio", "email_lancamento", "youtube_descricao", null, null];

    private readonly object _sync = new();
    private readonly int _seed;
    private readonly int _size;
    private readonly Population _people;
    private readonly List<HotmartBuyer> _buyers = [];
    private readonly List<HotmartSale> _sales = [];
    private readonly Person _producer;
    private readonly string _producerUcode;
    private long _changes;

    public HotmartData(int seed, int size, DateTimeOffset anchor, int historyDays)
    {
        _seed = seed;
        _size = size;
        _people = new Population(seed);
        // 4k + 2 is Hotmart's own key space; this one is beyond any record index.
        var producer = _people.Person(3_999_999_998);
        _producer = producer with { Email = $"contato@{Spelling.Slug(producer.LastName.Split(' ')[0])}cursos.com.br" };
        _producerUcode = Det.Uuid(seed, "hotmart:producer", 0).ToString().ToUpperInvariant();
        var end = anchor.ToUnixTimeMilliseconds();
        var start = end - historyDays * 86_400_000L;
        var buyerCount = Math.Max(1, (int)Math.Ceiling(size * 0.75));
        for (var b = 0; b < buyerCount; b++)
        {
            _buyers.Add(BuildBuyer(b, buyerCount));
        }
        var width = Math.Max(1, (end - start) / size);
        for (var k = 0; k < size; k++)
        {
            var orderDate = start + k * width + Det.Below(Det.Hash(seed, "hotmart:order-date", k), width);
            var buyer = k < buyerCount ? _buyers[k] : _buyers[(int)Det.Below(Det.Hash(seed, "hotmart:repeat-buyer", k), buyerCount)];
            _sales.Add(BuildSale(k, buyer, orderDate, null, end));
        }
    }

    public JsonObject History(HotmartSalesQuery query) => Page(query, SaleJson);

    public JsonObject Users(HotmartSalesQuery query) => Page(query, UsersJson);

    public static string PageToken(int rows, int page) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"rows\":{rows},\"page\":{page}}}"));

    /// <summary>Reads a page token (base64 of <c>{"rows":5,"page":3}</c>, like Hotmart's); null when it is not one.</summary>
    public static (int Rows, int Page)? ReadPageToken(string token)
    {
        try
        {
            using var doc = JsonDocument.Parse(Convert.FromBase64String(token));
            var rows = doc.RootElement.GetProperty("rows").GetInt32();
            var page = doc.RootElement.GetProperty("page").GetInt32();
            return rows > 0 && page > 0 ? (rows, page) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Moves <paramref name="count"/> sales along their life (pending → approved, approved → complete, refunded or charged back) and adds a fifth as many new approved sales.</summary>
    public ChangeSet Mutate(int count, DateTimeOffset now)
    {
        lock (_sync)
        {
            var updated = new List<ChangedRecord>();
            var created = new List<ChangedRecord>();
            for (var i = 0; i < count; i++)
            {
                var rng = NextChange();
                var sale = Pick(rng, s => s.Status is "WAITING_PAYMENT" or "PRINTED_BILLET" or "STARTED" or "PROCESSING_TRANSACTION" or "UNDER_ANALISYS")
                    ?? Pick(rng, s => s.Status == "APPROVED");
                if (sale is null)
                {
                    continue;
                }
                if (sale.Status == "APPROVED")
                {
                    sale.Status = rng.WeightedRandom(["COMPLETE", "REFUNDED", "CHARGEBACK"], [0.6f, 0.25f, 0.15f]);
                }
                else
                {
                    sale.Status = "APPROVED";
                    sale.ApprovedDate = now.ToUnixTimeMilliseconds();
                }
                updated.Add(new ChangedRecord("sales", sale.Transaction));
            }
            for (var i = 0; i < Math.Max(1, count / 5); i++)
            {
                created.Add(new ChangedRecord("sales", NewSale(now, "APPROVED").Transaction));
            }
            return new ChangeSet(updated, created, []);
        }
    }

    /// <summary>Makes the change a postback event reports and returns the postback body (webhook v2.0.0).</summary>
    public string Emit(string evt, DateTimeOffset now)
    {
        lock (_sync)
        {
            var rng = NextChange();
            var nowMs = now.ToUnixTimeMilliseconds();
            HotmartSale? sale;
            switch (evt)
            {
                case "PURCHASE_APPROVED":
                    sale = NewSale(now, "APPROVED");
                    break;
                case "PURCHASE_CANCELED":
                    sale = NewSale(now, "CANCELLED");
                    break;
                case "PURCHASE_EXPIRED":
                    sale = NewSale(now, "EXPIRED");
                    break;
                case "PURCHASE_BILLET_PRINTED":
                    sale = NewSale(now, "PRINTED_BILLET");
                    break;
                case "PURCHASE_COMPLETE" or "PURCHASE_REFUNDED" or "PURCHASE_CHARGEBACK" or "PURCHASE_PROTEST":
                    sale = Pick(rng, s => s.Status == "APPROVED") ?? NewSale(now, "APPROVED");
                    sale.Status = evt switch
                    {
                        "PURCHASE_COMPLETE" => "COMPLETE",
                        "PURCHASE_REFUNDED" => "REFUNDED",
                        "PURCHASE_CHARGEBACK" => "CHARGEBACK",
                        _ => "PROTESTED",
                    };
                    break;
                case "PURCHASE_DELAYED":
                    sale = Pick(rng, s => s.Status is "WAITING_PAYMENT" or "PRINTED_BILLET") ?? NewSale(now, "PRINTED_BILLET");
                    sale.Status = "OVERDUE";
                    break;
                case "PURCHASE_OUT_OF_SHOPPING_CART":
                    return Envelope(evt, nowMs, HotmartJson.CartAbandonment(_buyers[rng.Number(_buyers.Count - 1)], rng.ArrayElement(Products), rng));
                case "SUBSCRIPTION_CANCELLATION":
                {
                    sale = Pick(rng, s => s.Product.IsSubscription && s.Status is "APPROVED" or "COMPLETE") ?? NewSale(now, "APPROVED", subscription: true);
                    sale.Status = "CANCELLED";
                    return Envelope(evt, nowMs, HotmartJson.SubscriptionCancellation(sale, nowMs));
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(evt), evt, "Unsupported Hotmart event.");
            }
            return Envelope(evt, nowMs, HotmartJson.PurchaseWebhookData(sale, _producer, evt));
        }
    }

    private string Envelope(string evt, long nowMs, JsonObject data) => new JsonObject
    {
        ["id"] = Det.Uuid(_seed, "hotmart:event", _changes).ToString(),
        ["creation_date"] = nowMs,
        ["event"] = evt,
        ["version"] = "2.0.0",
        ["data"] = data,
    }.Text();

    private Randomizer NextChange() => new(unchecked((int)Det.Hash(_seed, "hotmart:change", _changes++)));

    private HotmartSale? Pick(Randomizer rng, Func<HotmartSale, bool> eligible)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var candidate = _sales[rng.Number(_sales.Count - 1)];
            if (eligible(candidate))
            {
                return candidate;
            }
        }
        return _sales.LastOrDefault(eligible);
    }

    private HotmartSale NewSale(DateTimeOffset now, string status, bool subscription = false)
    {
        var k = _sales.Count;
        var rng = Det.Rng(_seed, "hotmart:new-sale-buyer", k);
        var buyer = rng.Bool(0.3f) ? _buyers[rng.Number(_buyers.Count - 1)] : NewBuyer();
        var sale = BuildSale(k, buyer, now.ToUnixTimeMilliseconds(), status, now.ToUnixTimeMilliseconds(), subscription);
        _sales.Add(sale);
        return sale;
    }

    private HotmartBuyer NewBuyer()
    {
        var buyer = BuildBuyer(_buyers.Count, _buyers.Count);
        _buyers.Add(buyer);
        return buyer;
    }

    private JsonObject Page(HotmartSalesQuery query, Func<HotmartSale, JsonObject> render)
    {
        lock (_sync)
        {
            IEnumerable<HotmartSale> matching = _sales;
            if (query.Transaction is { } transaction)
            {
                matching = matching.Where(s => s.Transaction == transaction);
            }
            if (query.TransactionStatus is { } status)
            {
                matching = matching.Where(s => s.Status == status);
            }
            else if (query.Transaction is null)
            {
                matching = matching.Where(s => s.Status is "APPROVED" or "COMPLETE");
            }
            if (query.StartDate is { } from)
            {
                matching = matching.Where(s => s.OrderDate >= from);
            }
            if (query.EndDate is { } to)
            {
                matching = matching.Where(s => s.OrderDate <= to);
            }
            if (query.BuyerEmail is { } email)
            {
                matching = matching.Where(s => string.Equals(s.Buyer.Email, email, StringComparison.OrdinalIgnoreCase));
            }
            if (query.BuyerName is { } name)
            {
                matching = matching.Where(s => s.Buyer.Name.Contains(name, StringComparison.OrdinalIgnoreCase));
            }
            if (query.ProductId is { } product)
            {
                matching = matching.Where(s => s.Product.Id == product);
            }
            if (query.PaymentType is { } paymentType)
            {
                matching = matching.Where(s => s.PaymentType == paymentType);
            }
            // Newest first; sales are stored oldest first.
            var all = matching.Reverse().ToList();
            var skip = (long)(query.Page - 1) * query.MaxResults;
            var items = all.Skip((int)Math.Min(skip, int.MaxValue)).Take(query.MaxResults).Select(render).ToList();
            var pageInfo = new JsonObject
            {
                ["total_results"] = all.Count,
            };
            if (skip + query.MaxResults < all.Count)
            {
                pageInfo["next_page_token"] = PageToken(query.MaxResults, query.Page + 1);
            }
            if (query.Page > 1)
            {
                pageInfo["prev_page_token"] = PageToken(query.MaxResults, query.Page - 1);
            }
            pageInfo["results_per_page"] = query.MaxResults;
            return new JsonObject { ["items"] = new JsonArray([.. items]), ["page_info"] = pageInfo };
        }
    }

    private JsonObject SaleJson(HotmartSale sale) => HotmartJson.Sale(sale, _producer, _producerUcode);

    private JsonObject UsersJson(HotmartSale sale) => HotmartJson.Users(sale, _producer, _producerUcode);

    private HotmartBuyer BuildBuyer(long b, long buyerCount)
    {
        var person = _people.Person(_people.KeyFor(2, b, buyerCount, 0));
        var h = Det.Hash(_seed, "hotmart:buyer", b);
        var rng = Det.Rng(_seed, "hotmart:buyer", b);
        return new HotmartBuyer
        {
            Person = person,
            Ucode = Det.Uuid(_seed, "hotmart:ucode", b).ToString().ToUpperInvariant(),
            Name = Spelling.Name(person.FullName, h),
            // Buyers type their email at checkout; a few type the placeholder everyone types.
            Email = Spelling.Email(person, Det.Mix(h ^ 3), placeholderShare: 0.005).ToLowerInvariant(),
            Cellphone = rng.Bool(0.8f) ? person.Mobile : "55" + person.Mobile,
            Phone = person.Landline,
            Document = rng.Bool(0.9f) ? Spelling.Cpf(person.Cpf, rng.Bool(0.15f)) : null,
            SubscriberCode = Det.Base62(Det.Mix(h ^ 5), 8).ToUpperInvariant(),
        };
    }

    private HotmartSale BuildSale(long k, HotmartBuyer buyer, long orderDate, string? status, long now, bool subscription = false)
    {
        var rng = Det.Rng(_seed, "hotmart:sale", k);
        var product = subscription ? rng.ArrayElement(Products.Where(p => p.IsSubscription).ToArray()) : rng.ArrayElement(Products);
        var paymentType = rng.WeightedRandom(
            ["CREDIT_CARD", "PIX", "BILLET", "PAYPAL", "GOOGLE_PAY", "HOTCARD", "WALLET", "DIRECT_DEBIT"],
            [0.55f, 0.22f, 0.15f, 0.03f, 0.02f, 0.01f, 0.01f, 0.01f]);
        if (status is null)
        {
            status = rng.WeightedRandom(
                ["APPROVED", "COMPLETE", "CANCELLED", "REFUNDED", "CHARGEBACK", "EXPIRED", "WAITING_PAYMENT", "PRINTED_BILLET", "NO_FUNDS",
                 "OVERDUE", "PROTESTED", "BLOCKED", "UNDER_ANALISYS", "PARTIALLY_REFUNDED", "STARTED", "PRE_ORDER", "PROCESSING_TRANSACTION"],
                [0.30f, 0.36f, 0.05f, 0.05f, 0.015f, 0.05f, 0.03f, 0.03f, 0.02f, 0.015f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.005f, 0.01f]);
            var age = now - orderDate;
            // Warranty over: approved sales complete; inside it they cannot be complete yet.
            if (status == "APPROVED" && age > 60 * 86_400_000L && rng.Bool(0.9f))
            {
                status = "COMPLETE";
            }
            else if (status == "COMPLETE" && age < 30 * 86_400_000L)
            {
                status = "APPROVED";
            }
        }
        var wasApproved = status is "APPROVED" or "COMPLETE" or "REFUNDED" or "CHARGEBACK" or "PARTIALLY_REFUNDED" or "PROTESTED";
        var approvalDelay = paymentType is "BILLET" ? rng.Number(1, 3) * 86_400_000L : rng.Number(2_000, 90_000);
        var usd = rng.Bool(0.03f);
        var price = usd ? Math.Round(product.Price / 5.2m, 2) : product.Price;
        var subscriptionSale = product.IsSubscription;
        return new HotmartSale
        {
            // Random high digits, a bijection of the index in the low seven: unique and Hotmart-looking (HP + 14 digits).
            Transaction = $"HP{(10_000_000_000_000L + Det.Below(Det.Hash(_seed, "hotmart:transaction", k), 89_999_999_999_999L)) / 10_000_000 * 10_000_000 + (k * 7_654_321 + 1_234_567) % 10_000_000}",
            Product = product,
            Buyer = buyer,
            OrderDate = orderDate,
            ApprovedDate = wasApproved ? Math.Min(orderDate + approvalDelay, Math.Max(orderDate, now)) : null,
            Status = status,
            Price = price,
            Currency = usd ? "USD" : "BRL",
            PaymentType = paymentType,
            Installments = paymentType == "CREDIT_CARD" && !subscriptionSale ? rng.ArrayElement(InstallmentChoices) : 1,
            RecurrencyNumber = subscriptionSale ? rng.Number(1, 18) : null,
            OfferCode = Det.Base62(Det.Hash(_seed, "hotmart:offer", product.Id), 8).ToLowerInvariant(),
            SourceSck = rng.ArrayElement(Scks),
            Source = rng.ArrayElement(Sources),
            BuyerIp = $"{rng.Number(177, 201)}.{rng.Number(0, 255)}.{rng.Number(0, 255)}.{rng.Number(1, 254)}",
        };
    }
}
