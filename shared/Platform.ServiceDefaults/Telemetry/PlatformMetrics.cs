using System.Diagnostics.Metrics;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// The platform's own instruments (meter <c>Platform</c>), beside what ASP.NET Core, HttpClient, MassTransit and
/// Npgsql report. Prometheus names: <c>platform_records_staged_total</c>, <c>platform_records_resolved_total</c>,
/// <c>platform_records_aggregated_total</c>, <c>platform_webhook_verifications_total{source,result}</c>,
/// <c>platform_gateway_rate_limited_total{kind}</c>.
/// </summary>
public static class PlatformMetrics
{
    public const string MeterName = "Platform";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Staged = Meter.CreateCounter<long>(
        "platform.records.staged", "{record}", "Raw records newly staged by a connector (webhooks, sync pages, imports).");

    private static readonly Counter<long> Resolved = Meter.CreateCounter<long>(
        "platform.records.resolved", "{record}", "Staged records linked to a client by identity resolution.");

    private static readonly Counter<long> Aggregated = Meter.CreateCounter<long>(
        "platform.records.aggregated", "{record}", "Linked records turned into sales and customer figures by aggregation.");

    private static readonly Counter<long> WebhookVerifications = Meter.CreateCounter<long>(
        "platform.webhook.verifications", "{webhook}", "Webhook signature verifications by source and result (accepted, refused).");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "platform.gateway.rate_limited", "{request}", "Requests the gateway refused with 429, by kind (api: per operator key; webhooks: per source and workspace).");

    public static void GatewayRateLimited(string kind) => RateLimited.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void RecordsStaged(long count)
    {
        if (count > 0)
        {
            Staged.Add(count);
        }
    }

    public static void RecordsResolved(long count)
    {
        if (count > 0)
        {
            Resolved.Add(count);
        }
    }

    public static void RecordsAggregated(long count)
    {
        if (count > 0)
        {
            Aggregated.Add(count);
        }
    }

    public static void WebhookVerified(string source, bool accepted) =>
        WebhookVerifications.Add(1,
            new KeyValuePair<string, object?>("source", source),
            new KeyValuePair<string, object?>("result", accepted ? "accepted" : "refused"));
}
