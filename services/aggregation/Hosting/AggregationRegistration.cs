using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Aggregation.Consumers;
using Platform.Aggregation.Domain;
using Platform.Aggregation.Persistence;
using Platform.ServiceDefaults.Database;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Aggregation.Hosting;

internal static class AggregationRegistration
{
    /// <summary>The aggregator, its settings (section <c>Aggregation</c>), the consumer's batcher and the background jobs.</summary>
    public static IHostApplicationBuilder AddAggregation(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AggregationOptions.Section).Get<AggregationOptions>() ?? new AggregationOptions();
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddStatisticsKeeper(AggregationDbContext.Schema,
            "sales", "client_records", "customer_activities", "customer_sales", "cs_customers", "customer_360");
        builder.Services.AddSingleton<Aggregator>();
        builder.Services.AddSingleton<RecordBatcher>();
        builder.Services.AddSingleton<ClientBatcher>();
        builder.Services.AddSingleton<Reports>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<SegmentRefresher>();
        builder.AddPlatformGauge("platform.outbox.backlog", "Events committed to the outbox but not yet published.",
            "select count(*) from outbox");
        return builder;
    }

    /// <summary>The consumers of identity resolution's events, and of SGT's finished syncs (customer success's sync time).</summary>
    public static IBusRegistrationConfigurator AddAggregationConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RecordLinkedConsumer, BatchedConsumerDefinition<RecordLinkedConsumer>>();
        bus.AddConsumer<RecordsLinkedConsumer, BulkConsumerDefinition<RecordsLinkedConsumer>>();
        bus.AddConsumer<ClientsMergedConsumer>();
        bus.AddConsumer<ClientSplitConsumer>();
        bus.AddConsumer<ClientUpdatedConsumer, BatchedConsumerDefinition<ClientUpdatedConsumer>>();
        bus.AddConsumer<ClientsUpdatedConsumer, BulkConsumerDefinition<ClientsUpdatedConsumer>>();
        bus.AddConsumer<SgtSyncCompletedConsumer>();
        return bus;
    }
}
