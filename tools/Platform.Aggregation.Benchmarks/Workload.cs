using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;

namespace Platform.Aggregation.Benchmarks;

/// <summary>A seeded, realistic mix of linked records: what a first full import of a few sources looks like.</summary>
internal static class Workload
{
    private static readonly string[] DealStatuses = ["open", "won", "won", "lost"];
    private static readonly string[] PurchaseStatuses = ["APPROVED", "COMPLETE", "COMPLETE", "REFUNDED", "CHARGEBACK", "WAITING_PAYMENT", "CANCELLED"];

    public sealed record Batch(List<RecordLinked> Messages, int Sales);

    public static Batch Generate(int sales, int clients, int workspaces, int seed = 42)
    {
        var random = new Random(seed);
        var clientIds = Enumerable.Range(0, clients).Select(_ => Guid.NewGuid()).ToArray();
        var workspaceOf = clientIds.Select((_, i) => $"bench-{i % workspaces}").ToArray();
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var messages = new List<RecordLinked>(sales + (sales / 10));
        var charges = new List<(int Client, string Id, decimal Amount)>();
        long raw = 0;
        RecordLinked Linked(int client, CanonicalRecord record) => new()
        {
            WorkspaceId = workspaceOf[client],
            CorrelationId = Guid.NewGuid(),
            ClientId = clientIds[client],
            ClientVersion = 1,
            RawRecordId = ++raw,
            Record = record,
        };

        for (var i = 0; i < sales; i++)
        {
            var client = random.Next(clients);
            var at = start.AddMinutes(random.Next(0, 5 * 365 * 24 * 60));
            var amount = Math.Round((decimal)(random.NextDouble() * 3000) + 10, 2);
            var roll = random.Next(100);
            CanonicalRecord record;
            if (roll < 25)
            {
                record = Money("ploomes", EntityType.Deal, $"deal-{i}", at, amount, "BRL", DealStatuses[random.Next(DealStatuses.Length)],
                    new() { ["stage_id"] = "3" });
            }
            else if (roll < 60)
            {
                var status = PurchaseStatuses[random.Next(PurchaseStatuses.Length)];
                record = Money("hotmart", EntityType.Purchase, $"HP{i:D9}", at, amount, random.Next(10) == 0 ? "USD" : "BRL", status,
                    new() { ["product_name"] = "Curso " + random.Next(20), ["payment_type"] = "PIX" });
            }
            else if (roll < 85 || charges.Count == 0)
            {
                var id = $"ch_{i}";
                record = Money("stripe", EntityType.Charge, id, at, amount, "USD", random.Next(20) == 0 ? "failed" : "succeeded",
                    new() { ["stripe_object"] = "charge", ["payment_intent_id"] = $"pi_{i}" });
                charges.Add((client, id, amount));
            }
            else if (roll < 95)
            {
                record = Money("stripe", EntityType.Invoice, $"in_{i}", at, amount, "USD", "paid", new() { ["stripe_object"] = "invoice" });
            }
            else
            {
                // A refund or dispute of an earlier charge, linked to that charge's client.
                var (chargeClient, chargeId, chargeAmount) = charges[random.Next(charges.Count)];
                var dispute = random.Next(3) == 0;
                record = Money("stripe", EntityType.Transaction, $"{(dispute ? "dp" : "re")}_{i}", at, Math.Round(chargeAmount / 2, 2), "USD",
                    dispute ? "chargeback" : "refunded",
                    new() { ["stripe_object"] = dispute ? "dispute" : "refund", ["charge_id"] = chargeId, ["stripe_status"] = dispute ? "lost" : "succeeded" });
                client = chargeClient;
            }
            messages.Add(Linked(client, record));
            if (i % 10 == 0)
            {
                var contact = random.Next(clients);
                messages.Add(Linked(contact, new CanonicalRecord
                {
                    Source = "ploomes",
                    EntityType = EntityType.Contact,
                    ExternalId = $"contact-{i}",
                    SourceUpdatedAt = at,
                    Identifiers = [new Identifier(IdentifierKinds.PloomesContactId, $"contact-{i}")],
                    Person = new PersonFields { FullName = $"Cliente {contact}" },
                    Attributes = new Dictionary<string, string?> { ["tags"] = """["Lead","Webinar"]""", ["is_customer"] = random.Next(5) == 0 ? "true" : "false" },
                }));
            }
        }
        return new Batch(messages, sales);
    }

    private static CanonicalRecord Money(string source, EntityType type, string id, DateTimeOffset at, decimal amount, string currency, string status,
        Dictionary<string, string?> attributes) => new()
    {
        Source = source,
        EntityType = type,
        ExternalId = id,
        SourceUpdatedAt = at.AddHours(1),
        Identifiers = [new Identifier(IdentifierKinds.Email, $"{id}@example.com")],
        Money = new MoneyFields { Amount = amount, Currency = currency, Status = status, OccurredAt = at, Product = attributes.GetValueOrDefault("product_name") },
        Attributes = attributes,
    };
}
