using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Records;

namespace Platform.Aggregation.Domain;

/// <summary>
/// What one <see cref="RecordLinked"/> says, in the shape the tables want: the record's key, version and client;
/// what customer success reads from it (tags, client flag, plan, SGT extras); its sale, if it is a money record; and
/// its timeline entry. Pure: the same message always gives the same facts, so a replay writes the same rows.
/// </summary>
internal sealed record RecordFacts
{
    public required int Ordinal { get; init; }
    public required string Source { get; init; }
    public required string EntityType { get; init; }
    public required string ExternalId { get; init; }
    public required Guid ClientId { get; init; }
    public required long ClientVersion { get; init; }
    public required long RawRecordId { get; init; }
    public required DateTimeOffset SourceUpdatedAt { get; init; }
    public required Guid CorrelationId { get; init; }
    public required string AttributesJson { get; init; }
    public required string RecordJson { get; init; }
    public required string[] Tags { get; init; }
    public required bool IsCustomer { get; init; }
    public string? Plan { get; init; }
    /// <summary>1 when the plan comes from SGT (the customer-success system of record), 2 from a subscription.</summary>
    public int PlanRank { get; init; }
    /// <summary>The SGT fields of <see cref="SgtExtras.Keys"/> this record carries, typed, as a JSON object; null when none.</summary>
    public string? SgtExtrasJson { get; init; }
    public SaleFacts? Sale { get; init; }
    public required ActivityFacts Activity { get; init; }

    private static readonly JsonSerializerOptions RecordJsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static RecordFacts From(int ordinal, RecordLinked message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var record = message.Record;
        var attributes = record.Attributes;
        var entityType = EntityTypeNames.Of(record.EntityType);
        var sale = SaleClassifier.Classify(record);
        var (plan, planRank) = PlanOf(record);
        return new RecordFacts
        {
            Ordinal = ordinal,
            Source = record.Source,
            EntityType = entityType,
            ExternalId = record.ExternalId,
            ClientId = message.ClientId,
            ClientVersion = message.ClientVersion,
            RawRecordId = message.RawRecordId,
            SourceUpdatedAt = record.SourceUpdatedAt.ToUniversalTime(),
            CorrelationId = message.CorrelationId,
            AttributesJson = JsonSerializer.Serialize(attributes, RecordJsonOptions),
            RecordJson = JsonSerializer.Serialize(record, RecordJsonOptions),
            Tags = TagsOf(record),
            IsCustomer = IsMarkedCustomer(record),
            Plan = plan,
            PlanRank = planRank,
            SgtExtrasJson = record.Source == "sgt" ? SgtExtras.Read(attributes) : null,
            Sale = sale,
            Activity = ActivityBuilder.For(record, entityType, sale),
        };
    }

    /// <summary>
    /// A source marks the client a customer: the Ploomes client tag (<c>is_customer</c>, on contacts and on deals for
    /// their contact), or SGT's <c>venda_realizada</c> or stage "Cliente".
    /// </summary>
    public static bool IsMarkedCustomer(CanonicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var attributes = record.Attributes;
        if (IsTrue(Attr(attributes, "is_customer")))
        {
            return true;
        }
        if (record.Source != "sgt")
        {
            return false;
        }
        return IsTrue(Attr(attributes, "venda_realizada"))
            || string.Equals(Attr(attributes, "stage")?.Trim(), "cliente", StringComparison.OrdinalIgnoreCase)
            || string.Equals(Attr(attributes, "etapa")?.Trim(), "cliente", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Tag names from <c>tags</c> (a JSON list, as Ploomes sends it, or a comma list) and SGT's <c>mautic_tags</c>.</summary>
    public static string[] TagsOf(CanonicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var tags = new List<string>();
        tags.AddRange(ListOf(Attr(record.Attributes, "tags")));
        if (record.Source == "sgt")
        {
            tags.AddRange(ListOf(Attr(record.Attributes, "mautic_tags")));
        }
        return tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The client's current plan as this record tells it: SGT's <c>plano_atual</c>, or a running subscription's plan.</summary>
    private static (string? Plan, int Rank) PlanOf(CanonicalRecord record)
    {
        if (record.Source == "sgt" && Attr(record.Attributes, "plano_atual") is { Length: > 0 } sgtPlan)
        {
            return (sgtPlan.Trim(), 1);
        }
        if (record.EntityType == Contracts.Records.EntityType.Subscription)
        {
            var status = record.Money?.Status ?? Attr(record.Attributes, "subscription_status");
            var plan = Attr(record.Attributes, "plan_name") ?? record.Money?.Product;
            if (plan is not null && StatusNormaliser.SubscriptionRunning(status))
            {
                return (plan.Trim(), 2);
            }
        }
        return (null, 0);
    }

    internal static IEnumerable<string> ListOf(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }
        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                return document.RootElement.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText())
                    .ToList();
            }
            catch (JsonException)
            {
                // Not JSON after all: read it as a comma list below.
            }
        }
        return trimmed.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    internal static string? Attr(IReadOnlyDictionary<string, string?> attributes, string key) =>
        attributes.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    internal static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToLowerInvariant() is "true" or "1" or "sim" or "s" or "yes" or "y" or "verdadeiro";

    internal static string Money(decimal? amount, string? currency) =>
        amount is { } value ? string.Create(CultureInfo.InvariantCulture, $"{currency} {value:0.00}").Trim() : "";
}
