using System.Globalization;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;

namespace Platform.Aggregation.Tests;

/// <summary>Builds <see cref="RecordLinked"/> messages shaped like the connectors' canonical records.</summary>
internal static class LinkedRecords
{
    private static long _rawRecordId = Random.Shared.NextInt64(1, 1_000_000_000);

    public static readonly DateTimeOffset T0 = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string NewWorkspace() => $"ws-{Guid.NewGuid():N}";

    public static RecordLinked Linked(string workspaceId, Guid clientId, CanonicalRecord record, long clientVersion = 1) => new()
    {
        WorkspaceId = workspaceId,
        CorrelationId = Guid.NewGuid(),
        ClientId = clientId,
        ClientVersion = clientVersion,
        RawRecordId = Interlocked.Increment(ref _rawRecordId),
        Record = record,
    };

    /// <summary>A Ploomes deal as <c>PloomesMapping.MapDeal</c> builds it.</summary>
    public static CanonicalRecord PloomesDeal(string id, string status, decimal amount, DateTimeOffset updatedAt, DateTimeOffset? occurredAt = null,
        string currency = "BRL", bool? isCustomer = null, string? title = null) => new()
    {
        Source = "ploomes",
        EntityType = EntityType.Deal,
        ExternalId = id,
        SourceUpdatedAt = updatedAt,
        Identifiers = [new Identifier(IdentifierKinds.PloomesContactId, "c-" + id)],
        Money = new MoneyFields { Amount = amount, Currency = currency, Status = status, OccurredAt = occurredAt ?? updatedAt, Product = title ?? "Deal " + id },
        Attributes = isCustomer is { } flag ? new Dictionary<string, string?> { ["is_customer"] = flag ? "true" : "false", ["status_id"] = "2" }
            : new Dictionary<string, string?>(),
    };

    /// <summary>A Ploomes contact with tags, as <c>PloomesMapping.MapContact</c> builds it.</summary>
    public static CanonicalRecord PloomesContact(string id, DateTimeOffset updatedAt, bool? isCustomer = null, params string[] tags)
    {
        var attributes = new Dictionary<string, string?>();
        if (tags.Length > 0)
        {
            attributes["tags"] = System.Text.Json.JsonSerializer.Serialize(tags);
        }
        if (isCustomer is { } flag)
        {
            attributes["is_customer"] = flag ? "true" : "false";
        }
        return new CanonicalRecord
        {
            Source = "ploomes",
            EntityType = EntityType.Contact,
            ExternalId = id,
            SourceUpdatedAt = updatedAt,
            Identifiers = [new Identifier(IdentifierKinds.PloomesContactId, id)],
            Person = new PersonFields { FullName = "Contact " + id },
            Attributes = attributes,
        };
    }

    /// <summary>A Hotmart sale as <c>HotmartMapping</c> builds it (status in the sales API's spelling).</summary>
    public static CanonicalRecord HotmartPurchase(string transaction, string status, decimal amount, DateTimeOffset updatedAt,
        DateTimeOffset? approvedAt = null, string currency = "BRL", string product = "Curso Online") => new()
    {
        Source = "hotmart",
        EntityType = EntityType.Purchase,
        ExternalId = transaction,
        SourceUpdatedAt = updatedAt,
        Identifiers = [new Identifier(IdentifierKinds.Email, transaction.ToLowerInvariant() + "@example.com")],
        Money = new MoneyFields { Amount = amount, Currency = currency, Status = status, OccurredAt = approvedAt ?? updatedAt, Product = product },
        Attributes = new Dictionary<string, string?> { ["product_name"] = product },
    };

    /// <summary>A Hotmart abandoned cart: a purchase with no money and status <c>abandoned</c>.</summary>
    public static CanonicalRecord HotmartCart(string eventId, DateTimeOffset at, string product = "Curso Online") => new()
    {
        Source = "hotmart",
        EntityType = EntityType.Purchase,
        ExternalId = "cart:" + eventId,
        SourceUpdatedAt = at,
        Identifiers = [new Identifier(IdentifierKinds.Email, "cart@example.com")],
        Attributes = new Dictionary<string, string?> { ["status"] = "abandoned", ["product_name"] = product, ["event"] = "PURCHASE_OUT_OF_SHOPPING_CART" },
    };

    /// <summary>A Hotmart subscription event (no money: Hotmart sends no currency with them).</summary>
    public static CanonicalRecord HotmartSubscription(string subscriberCode, string status, string plan, DateTimeOffset at) => new()
    {
        Source = "hotmart",
        EntityType = EntityType.Subscription,
        ExternalId = subscriberCode,
        SourceUpdatedAt = at,
        Identifiers = [new Identifier(IdentifierKinds.Email, "sub@example.com")],
        Attributes = new Dictionary<string, string?> { ["subscription_status"] = status, ["plan_name"] = plan, ["subscriber_code"] = subscriberCode },
    };

    /// <summary>A Stripe charge as <c>StripeMapping</c> builds it (amounts already in major units).</summary>
    public static CanonicalRecord StripeCharge(string id, decimal amount, DateTimeOffset created, DateTimeOffset? updatedAt = null,
        string status = "succeeded", string currency = "USD", decimal? refunded = null, string? paymentIntent = null, string? invoice = null)
    {
        var attributes = new Dictionary<string, string?> { ["stripe_object"] = "charge" };
        if (paymentIntent is not null)
        {
            attributes["payment_intent_id"] = paymentIntent;
        }
        if (invoice is not null)
        {
            attributes["invoice_id"] = invoice;
        }
        return new CanonicalRecord
        {
            Source = "stripe",
            EntityType = EntityType.Charge,
            ExternalId = id,
            SourceUpdatedAt = updatedAt ?? created,
            Identifiers = [new Identifier(IdentifierKinds.StripeCustomerId, "cus_" + id)],
            Money = new MoneyFields { Amount = amount, Currency = currency, Status = status, OccurredAt = created, AmountRefunded = refunded },
            Attributes = attributes,
        };
    }

    public static CanonicalRecord StripePaymentIntent(string id, decimal amount, DateTimeOffset created, string status = "succeeded",
        string currency = "USD") => new()
    {
        Source = "stripe",
        EntityType = EntityType.Charge,
        ExternalId = id,
        SourceUpdatedAt = created,
        Identifiers = [new Identifier(IdentifierKinds.StripeCustomerId, "cus_" + id)],
        Money = new MoneyFields { Amount = amount, Currency = currency, Status = status, OccurredAt = created },
        Attributes = new Dictionary<string, string?> { ["stripe_object"] = "payment_intent" },
    };

    public static CanonicalRecord StripeInvoice(string id, decimal amount, DateTimeOffset created, string status = "paid", string currency = "USD") => new()
    {
        Source = "stripe",
        EntityType = EntityType.Invoice,
        ExternalId = id,
        SourceUpdatedAt = created,
        Identifiers = [new Identifier(IdentifierKinds.StripeCustomerId, "cus_" + id)],
        Money = new MoneyFields { Amount = amount, Currency = currency, Status = status, OccurredAt = created, Product = "Plano Pro" },
        Attributes = new Dictionary<string, string?> { ["stripe_object"] = "invoice" },
    };

    /// <summary>A Stripe refund or dispute: a transaction pointing at its charge.</summary>
    public static CanonicalRecord StripeAdjustment(string id, string chargeId, decimal amount, DateTimeOffset created, bool dispute,
        string? stripeStatus = null, string currency = "USD") => new()
    {
        Source = "stripe",
        EntityType = EntityType.Transaction,
        ExternalId = id,
        SourceUpdatedAt = created,
        Identifiers = [new Identifier(IdentifierKinds.StripeCustomerId, "cus_x")],
        Money = new MoneyFields { Amount = amount, Currency = currency, Status = dispute ? "chargeback" : "refunded", OccurredAt = created },
        Attributes = new Dictionary<string, string?>
        {
            ["stripe_object"] = dispute ? "dispute" : "refund",
            ["charge_id"] = chargeId,
            ["stripe_status"] = stripeStatus ?? (dispute ? "needs_response" : "succeeded"),
        },
    };

    /// <summary>An SGT lead with its extras as attributes (SGT has no connector yet: attribute names are the issue's).</summary>
    public static CanonicalRecord SgtLead(string id, DateTimeOffset updatedAt, params (string Key, string Value)[] attributes) => new()
    {
        Source = "sgt",
        EntityType = EntityType.Contact,
        ExternalId = id,
        SourceUpdatedAt = updatedAt,
        Identifiers = [new Identifier(IdentifierKinds.SgtLeadId, id)],
        Attributes = attributes.ToDictionary(a => a.Key, a => (string?)a.Value),
    };

    /// <summary>An investment movement (deposit or withdrawal) as an SGT/Tokeniza transaction.</summary>
    public static CanonicalRecord Movement(string id, string type, decimal amount, DateTimeOffset at, string currency = "BRL") => new()
    {
        Source = "sgt",
        EntityType = EntityType.Transaction,
        ExternalId = id,
        SourceUpdatedAt = at,
        Identifiers = [new Identifier(IdentifierKinds.SgtLeadId, "lead-" + id)],
        Money = new MoneyFields { Amount = amount, Currency = currency, Status = "paid", OccurredAt = at },
        Attributes = new Dictionary<string, string?> { ["transaction_type"] = type },
    };

    public static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
