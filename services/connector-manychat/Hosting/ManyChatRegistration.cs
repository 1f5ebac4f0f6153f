using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.ManyChat.Actions;
using Platform.Connectors.ManyChat.Api;
using Platform.Connectors.ManyChat.Outbound;
using Platform.Connectors.ManyChat.Persistence;
using Platform.Connectors.ManyChat.Streams;
using Platform.ServiceDefaults;

namespace Platform.Connectors.ManyChat.Hosting;

public static class ManyChatRegistration
{
    public const string Source = "manychat";

    /// <summary>
    /// The Refit client of ManyChat's API (source-generated: <c>AddRefitGeneratedClient</c>) behind the SDK's retry
    /// pipeline and ManyChat's per-endpoint limits; <c>Connectors:ManyChat:Http</c> sets the base address (the
    /// simulator in tests) and <c>RateScale</c>.
    /// </summary>
    public static ConnectorBuilder AddManyChatApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var section = connector.Host.Configuration.GetSection("Connectors:ManyChat:Http");
        var limits = new ManyChatRateLimits(section.GetValue("RateScale", 0.9));
        var services = connector.Host.Services;
        services.AddSingleton(limits);
        // The SDK's client (base address, retries, request stamps) without its one bucket a workspace: ManyChat's limits are per endpoint.
        connector.AddSourceApiClient<IManyChatApi>(new SourceHttpOptions { BaseAddress = new Uri("https://api.manychat.com/"), RatePermits = 0 },
                sdkRateLimit: false)
            .AddHttpMessageHandler(() => new ManyChatRateLimitHandler(limits));
        services.AddSingleton<ManyChatClient>();
        services.AddDbContext<ManyChatDbContext>((provider, db) => db.UseNpgsql(
            provider.GetRequiredService<NpgsqlDataSource>(),
            npgsql => npgsql.MigrationsHistoryTable(ManyChatDbContext.HistoryTable, connector.Descriptor.Schema)));
        services.AddSingleton<IDatabaseMigrator, ManyChatMigrator>();
        return connector;
    }

    /// <summary>The lookup sync: the <c>subscribers</c> stream the orchestrator schedules like any other.</summary>
    public static ConnectorBuilder AddSubscriberLookup(this ConnectorBuilder connector) =>
        connector.AddStream<SubscriberLookup>();

    /// <summary>Tags back to ManyChat: recorded from events, pushed in the background.</summary>
    public static ConnectorBuilder AddTagPushes(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var services = connector.Host.Services;
        services.AddSingleton(connector.Host.Configuration.GetSection("Connectors:ManyChat:TagPushes").Get<TagPushOptions>() ?? new TagPushOptions());
        services.AddSingleton<TagPushStore>();
        services.AddSingleton<TagPushSignal>();
        services.AddSingleton<TagRequests>();
        services.AddHostedService<TagPushWorker>();
        return connector;
    }

    /// <summary>
    /// The events the connector follows: clients and merges (who to look up), purchases and new customers (which tags to
    /// push); and campaigns' commands.
    /// </summary>
    public static void AddOutboundConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<ClientUpdatedConsumer>();
        bus.AddConsumer<CustomerBecameClientConsumer>();
        bus.AddConsumer<RecordLinkedConsumer>();
        bus.AddConsumer<ClientsMergedConsumer>();
        // Campaigns send their ManyChat steps to the connector's command queue (ConnectorQueues.For("manychat")).
        bus.AddConsumer<RunManyChatActionConsumer>().Endpoint(e => e.Name = "connector-" + Source);
    }

    /// <summary>Campaigns' ManyChat steps (<c>RunManyChatAction</c>): sendFlow or addTagByName, once per action.</summary>
    public static ConnectorBuilder AddCampaignActions(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var services = connector.Host.Services;
        services.AddSingleton(connector.Host.Configuration.GetSection("Connectors:ManyChat:Actions").Get<ManyChatActionOptions>() ?? new ManyChatActionOptions());
        services.AddSingleton<ManyChatActionStore>();
        return connector;
    }
}

internal sealed class ManyChatMigrator(IServiceScopeFactory scopes) : IDatabaseMigrator
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ManyChatDbContext>().Database.MigrateAsync(cancellationToken);
    }
}
