using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using Polly;
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

    /// <summary>
    /// Registers the source's API client as a typed HttpClient behind the SDK's rate limit (token bucket per
    /// workspace) and resilience pipeline. <paramref name="defaults"/> are the vendor's documented values;
    /// <c>Connectors:{Source}:Http</c> overrides them (BaseAddress points at the simulator in tests).
    /// </summary>
    public ConnectorBuilder AddSourceClient<TClient, TImplementation>(SourceHttpOptions defaults)
        where TClient : class
        where TImplementation : class, TClient
    {
        ArgumentNullException.ThrowIfNull(defaults);
        Host.Configuration.GetSection($"Connectors:{Descriptor.Source}:Http").Bind(defaults);
        var options = defaults;
        Host.Services.TryAddSingleton<SourceHttpCounters>();
        var limiter = new SourceRateLimiter(options);
        ResiliencePipeline<HttpResponseMessage>? pipeline = null;
        Host.Services.AddHttpClient<TClient, TImplementation>(client =>
            {
                client.BaseAddress = options.BaseAddress
                    ?? throw new InvalidOperationException($"Connectors:{Descriptor.Source}:Http:BaseAddress is not set.");
                // The resilience handler times out each attempt; this only bounds the whole call.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler(services => new ResilienceHandler(pipeline ??= ResilienceHandler.BuildPipeline(options,
                services.GetRequiredService<SourceHttpCounters>(), services.GetRequiredService<ILogger<ResilienceHandler>>())))
            .AddHttpMessageHandler(services => new RateLimitHandler(limiter, services.GetRequiredService<SourceHttpCounters>()));
        return this;
    }

    /// <summary>Registers one stream built by a factory (several streams sharing one reader class).</summary>
    public ConnectorBuilder AddStream(Func<IServiceProvider, ISourceStreamReader> factory)
    {
        Host.Services.AddTransient(factory);
        return this;
    }

    /// <summary>Registers one stream the backfill runner can read.</summary>
    public ConnectorBuilder AddStream<TReader>() where TReader : class, ISourceStreamReader
    {
        Host.Services.AddTransient<ISourceStreamReader, TReader>();
        return this;
    }

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
    /// <paramref name="consumers"/> adds the source's own event consumers to the same bus (outbound pushes).
    /// </summary>
    public static IHostApplicationBuilder AddConnector(this IHostApplicationBuilder builder, string source,
        Action<ConnectorBuilder>? configure = null, Action<IBusRegistrationConfigurator>? consumers = null)
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
        builder.Services.AddSingleton(builder.Configuration.GetSection("Connector:Backfill").Get<BackfillOptions>() ?? new BackfillOptions());
        builder.Services.AddSingleton<BackfillSignal>();
        builder.Services.TryAddSingleton<SourceHttpCounters>();
        builder.Services.AddScoped<BackfillRunner>();

        builder.AddPlatformDatabase<ConnectorDbContext>(descriptor.Schema);
        // Commands to a connector arrive on one queue named after it (ConnectorQueues.For(source)).
        builder.AddPlatformMessaging(descriptor.ServiceName, bus =>
        {
            bus.AddConsumer<ReleaseStagedRecordsConsumer>().Endpoint(e => e.Name = descriptor.ServiceName);
            bus.AddConsumer<StartSyncConsumer>().Endpoint(e => e.Name = descriptor.ServiceName);
            bus.AddConsumer<CancelSyncConsumer>().Endpoint(e => e.Name = descriptor.ServiceName);
            consumers?.Invoke(bus);
        });
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<BackfillWorker>();

        configure?.Invoke(connector);
        return builder;
    }

    /// <summary>Maps the connector's endpoints (its webhook when it has one).</summary>
    public static WebApplication MapConnectorEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var connector = app.Services.GetRequiredService<ConnectorBuilder>();
        app.MapConnectorStatusEndpoint(connector.Descriptor);
        if (connector.HasWebhooks)
        {
            app.MapWebhookEndpoint(connector.Descriptor);
        }
        return app;
    }
}
