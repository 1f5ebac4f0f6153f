namespace Platform.Aggregation.Domain;

/// <summary>Settings of the service (section <c>Aggregation</c>).</summary>
internal sealed class AggregationOptions
{
    public const string Section = "Aggregation";

    /// <summary>Most linked records aggregated in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>
    /// Messages of each batched consumer held at once, so batches can form while one is being written. 500 (was 1,000):
    /// bench e2e all deferred, alternating runs, 742 and 809 records/s at a peak of 221-228 MB against 688 and 807 at
    /// 254-256 MB (each held message keeps its body and its deserialized record).
    /// </summary>
    public int ConcurrentMessages { get; set; } = 500;

    /// <summary>Bulk messages (<c>RecordsLinked</c>, <c>ClientsUpdated</c>: up to a few hundred items each) of each kind held at once.</summary>
    public int ConcurrentBulkMessages { get; set; } = 8;

    /// <summary>How often the relay publishes events a crash left in the outbox (only events older than this are taken).</summary>
    public int OutboxRelaySeconds { get; set; } = 15;

    public SegmentOptions Segments { get; set; } = new();
}

/// <summary>How <c>customer_360</c> segments clients and rates churn risk.</summary>
internal sealed class SegmentOptions
{
    /// <summary>A client whose first sale is this recent is <c>new</c>.</summary>
    public int NewCustomerDays { get; set; } = 30;

    /// <summary>Purchase rhythm assumed for a client with a single sale (days between purchases).</summary>
    public double DefaultPurchaseIntervalDays { get; set; } = 90;

    /// <summary>Days since the last sale over the client's rhythm from which churn risk is medium.</summary>
    public double MediumRiskRatio { get; set; } = 1.5;

    /// <summary>Ratio from which churn risk is high (and the client <c>at_risk</c>).</summary>
    public double HighRiskRatio { get; set; } = 3;

    /// <summary>Ratio from which the client is <c>churned</c> (with at least <see cref="ChurnedMinDays"/> of silence).</summary>
    public double ChurnedRatio { get; set; } = 6;

    /// <summary>A client is never churned with fewer days than this since the last sale, however fast its rhythm.</summary>
    public int ChurnedMinDays { get; set; } = 90;

    /// <summary>How often every segment is re-rated (recency moves with the clock, not only with events).</summary>
    public int RefreshMinutes { get; set; } = 60;

    /// <summary>Lifetime value from which a client is <c>vip</c>, per currency (never compared across currencies).</summary>
    public Dictionary<string, decimal> VipLtv { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
