using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Connectors.Persistence;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;
using Platform.ServiceDefaults;

namespace Platform.Connectors.Hosting;

/// <summary>What a source adds on top of the SDK.</summary>
public sealed class ConnectorBuilder(IHostApplicationBuilder host, ConnectorDescriptor descriptor)
{
    public IHostApplicationBuilder Host { get; } = host;
    public ConnectorDescriptor Descriptor { get; } = descriptor;
    internal bool HasWebhooks { get; private set; }

    /// <summary>Registers the source's webhook receiver; <c>MapConnectorEndpoints</c> then maps /webhooks/{source}/{workspace}.</summary>
    public ConnectorBuilder AddWebhookReceiver<TReceiver>() where TReceiver : class, IWebhookReceiver
    {
        Host.Services.AddScoped<IWebhookReceiver, TReceiver>();
        HasWebhooks = true;
        return this;
    }
}

public static class ConnectorHostingExtensions
{
    /// <summary>
    /// The connector SDK for one source: its schema (raw_records, webhook_events) and migrations, the bus with
    /// the connector's command queue (<c>connector-{source}</c>), the staging store and the outbox relay.
    /// </summary>
    public static IHostApplicationBuilder AddConnector(this IHostApplicationBuilder builder, string source,
        Action<ConnectorBuilder>? configure = null)
    {
        var descriptor = new ConnectorDescriptor(source);
        var connector = new ConnectorBuilder(builder, descriptor);
        builder.Services.AddSingleton(descriptor);
        builder.Services.AddSingleton(connector);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConnectorCredentials>();
        builder.Services.AddSingleton<RelaySignal>();
        builder.Services.AddSingleton<StagingStore>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Connector:Relay").Get<RelayOptions>() ?? new RelayOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Connector:Webhooks").Get<WebhookOptions>() ?? new WebhookOptions());

        builder.AddPlatformDatabase<ConnectorDbContext>(descriptor.Schema);
        builder.AddPlatformMessaging(descriptor.ServiceName, bus =>
            // Commands to a connector arrive on one queue named after it (ConnectorQueues.For(source)).
            bus.AddConsumer<ReleaseStagedRecordsConsumer>().Endpoint(e => e.Name = descriptor.ServiceName));
        builder.Services.AddHostedService<OutboxRelay>();

        configure?.Invoke(connector);
        return builder;
    }

    /// <summary>Maps the connector's endpoints (its webhook when it has one).</summary>
    public static WebApplication MapConnectorEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var connector = app.Services.GetRequiredService<ConnectorBuilder>();
        if (connector.HasWebhooks)
        {
            app.MapWebhookEndpoint(connector.Descriptor);
        }
        return app;
    }
}
