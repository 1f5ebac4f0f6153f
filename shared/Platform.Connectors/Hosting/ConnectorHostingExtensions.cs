using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Connectors.Backfill;
using Platform.Connectors.LiveSettings;
using Platform.Connectors.Http;
using Polly;
using Platform.Connectors.Persistence;
using Platform.Connectors.Privacy;
using Platform.Connectors.Staging;
using Platform.Connectors.Webhooks;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Callers;
using Platform.ServiceDefaults.Telemetry;
using Refit;
using Platform.ServiceDefaults.Database;

namespace Platform.Connectors.Hosting;

/// <summary>What a source adds on top of the SDK.</summary>
public sealed class ConnectorBuilder(IHostApplicationBuilder host, ConnectorDescriptor descriptor)
{
    public IHostApplicationBuilder Host { get; } = host;
    public ConnectorDescriptor Descriptor { get; } = descriptor;
    internal bool HasWebhooks { get; private set; }
    internal bool LocatesWebhookWorkspace { get; private set; }

    /// <summary>
    /// Registers the source's API client as a typed HttpClient behind the SDK's rate limit (token bucket per
    /// workspace) and resilience pipeline. <paramref name="defaults"/> are the vendor's documented values;
    /// <c>Connectors:{Source}:Http</c> overrides them (BaseAddress points at the simulator in tests).
    /// New connectors: prefer <see cref="AddSourceApi{TApi}"/> (a Refit interface).
    /// </summary>
    public ConnectorBuilder AddSourceClient<TClient, TImplementation>(SourceHttpOptions defaults)
        where TClient : class
        where TImplementation : class, TClient =>
        AddSourceHttp(Host.Services.AddHttpClient<TClient, TImplementation>(), defaults);

    /// <summary>
    /// Registers the source's Refit interface (<c>AddRefitGeneratedClient</c>: the source-generated client) behind,
    /// outermost first, <paramref name="authentication"/> (see <see cref="ApiKeyHeader"/>, <see cref="BearerApiKey"/>,
    /// <see cref="OAuth"/>), the resilience pipeline and the rate limit (token bucket per workspace). Methods tag
    /// their workspace with <c>[Property(SourceRequest.WorkspaceKey)]</c>, return <c>IApiResponse&lt;T&gt;</c> and are
    /// read with <see cref="SourceApiResponses.ContentOrThrowAsync{T}"/> (the one mapping of failures to source errors).
    /// <paramref name="defaults"/> are the vendor's documented limits; <c>Connectors:{Source}:Http</c> overrides them.
    /// </summary>
    public ConnectorBuilder AddSourceApi<TApi>(SourceHttpOptions defaults, RefitSettings? settings = null,
        Func<IServiceProvider, DelegatingHandler>? authentication = null) where TApi : class
    {
        var options = BindHttpOptions(defaults);
        var refit = settings ?? SourceJsonContentSerializer.Settings();
        WithSourceHandlers(Host.Services.AddRefitGeneratedClient<TApi>(refit), options, authentication);
        return this;
    }

    /// <summary>
    /// Puts an HttpClient the source registered itself (a Refit client from <c>AddRefitGeneratedClient</c> with its own
    /// settings) behind the same base address, authentication, resilience pipeline and rate limit as <see cref="AddSourceApi{TApi}"/>.
    /// </summary>
    public ConnectorBuilder AddSourceHttp(IHttpClientBuilder client, SourceHttpOptions defaults,
        Func<IServiceProvider, DelegatingHandler>? authentication = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        WithSourceHandlers(client, BindHttpOptions(defaults), authentication);
        return this;
    }

    /// <summary>Authentication by a header holding the workspace's credential field (<c>User-Key: {UserKey}</c>).</summary>
    public static Func<IServiceProvider, DelegatingHandler> ApiKeyHeader(string header, string field, string sourceName) =>
        services => new CredentialHeaderHandler(services.GetRequiredService<ConnectorCredentials>(), field, header, sourceName);

    /// <summary>Authentication by <c>Authorization: Bearer {field}</c> (<c>ApiKey</c> for Stripe).</summary>
    public static Func<IServiceProvider, DelegatingHandler> BearerApiKey(string field, string sourceName) =>
        services => CredentialHeaderHandler.Bearer(services.GetRequiredService<ConnectorCredentials>(), field, sourceName);

    /// <summary>OAuth 2 (client credentials or refresh token) with tokens cached per workspace for the process's life.</summary>
    public Func<IServiceProvider, DelegatingHandler> OAuth(OAuthOptions options)
    {
        Host.Services.TryAddSingleton<OAuthTokenCache>();
        return services => new OAuthHandler(services.GetRequiredService<OAuthTokenCache>(), services.GetRequiredService<ConnectorCredentials>(), options,
            services.GetService<ISourceSecretWriter>());
    }

    internal SourceHttpOptions BindHttpOptions(SourceHttpOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        Host.Configuration.GetSection($"Connectors:{Descriptor.Source}:Http").Bind(defaults);
        Host.Services.TryAddSingleton<SourceHttpCounters>();
        return defaults;
    }

    internal void WithSourceHandlers(IHttpClientBuilder client, SourceHttpOptions options, Func<IServiceProvider, DelegatingHandler>? authentication,
        bool rateLimit = true)
    {
        var limiter = new SourceRateLimiter(options);
        ResiliencePipeline<HttpResponseMessage>? pipeline = null;
        client.ConfigureHttpClient(http =>
        {
            http.BaseAddress = options.BaseAddress
                ?? throw new InvalidOperationException($"Connectors:{Descriptor.Source}:Http:BaseAddress is not set.");
            // The resilience handler times out each attempt; this only bounds the whole call.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        if (authentication is not null)
        {
            client.AddHttpMessageHandler(authentication);
        }
        client.AddHttpMessageHandler(services => new ResilienceHandler(pipeline ??= ResilienceHandler.BuildPipeline(options,
            services.GetRequiredService<SourceHttpCounters>(), services.GetRequiredService<ILogger<ResilienceHandler>>())));
        if (rateLimit && options.RateLimitHeaders is { } headers && options.RatePermits > 0)
        {
            HeaderRatePacer? pacer = null;
            client.AddHttpMessageHandler(services => new HeaderRatePacingHandler(
                pacer ??= new HeaderRatePacer(services.GetRequiredService<TimeProvider>(), headers, options.RatePermits, options.RatePeriod),
                services.GetRequiredService<SourceHttpCounters>()));
        }
        else if (rateLimit)
        {
            client.AddHttpMessageHandler(services => new RateLimitHandler(limiter, services.GetRequiredService<SourceHttpCounters>()));
        }
        client.AddHttpMessageHandler(() => new RequestStampHandler());
        // Innermost: every attempt (retries, token requests) of a workspace with its own base address goes there.
        client.AddHttpMessageHandler(services => new WorkspaceBaseAddressHandler(services.GetService<ConnectorCredentials>(),
            options.BaseAddress ?? throw new InvalidOperationException($"Connectors:{Descriptor.Source}:Http:BaseAddress is not set.")));
    }

    /// <summary>Replaces the default credentials check (first page of each stream) with a cheaper one (one call).</summary>
    public ConnectorBuilder AddSourceCheck<TCheck>() where TCheck : class, ISourceCheck
    {
        Host.Services.Replace(ServiceDescriptor.Scoped<ISourceCheck, TCheck>());
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

    /// <summary>
    /// Registers the source's webhook receiver; <c>MapConnectorEndpoints</c> then maps /webhooks/{source}/{workspace},
    /// and also /webhooks/{source} when the receiver is an <see cref="IWebhookWorkspaceLocator"/>.
    /// </summary>
    public ConnectorBuilder AddWebhookReceiver<TReceiver>() where TReceiver : class, IWebhookReceiver
    {
        Host.Services.AddScoped<IWebhookReceiver, TReceiver>();
        HasWebhooks = true;
        LocatesWebhookWorkspace = typeof(IWebhookWorkspaceLocator).IsAssignableFrom(typeof(TReceiver));
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
        // Live settings: loaded from the sync orchestrator over the environment's seed, refreshed without a restart.
        var settingsOptions = builder.Configuration.GetSection("Connector:Settings").Get<SourceSettingsOptions>() ?? new SourceSettingsOptions();
        var liveSettings = new LiveSourceSettingsProvider(source);
        builder.Configuration.Add(liveSettings);
        builder.Services.AddSingleton(settingsOptions);
        builder.Services.AddSingleton(liveSettings);
        builder.Services.AddHttpClient(SourceSettingsRefresher.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan).AddPlatformCallerToken();
        builder.Services.AddSingleton<SourceSettingsRefresher>();
        builder.Services.AddSingleton<ISourceSecretWriter, OrchestratorSecretWriter>();
        builder.Services.TryAddScoped<ISourceCheck, StreamSourceCheck>();
        builder.Services.AddSingleton<RelaySignal>();
        builder.Services.AddSingleton<StagedRowMemory>();
        builder.Services.AddSingleton<StagingStore>();
        builder.Services.AddConnectorPrivacy(builder.Configuration);
        builder.Services.AddSingleton(builder.Configuration.GetSection("Connector:Relay").Get<RelayOptions>() ?? new RelayOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Connector:Webhooks").Get<WebhookOptions>() ?? new WebhookOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Connector:Backfill").Get<BackfillOptions>() ?? new BackfillOptions());
        builder.Services.AddSingleton<BackfillSignal>();
        builder.Services.TryAddSingleton<SourceHttpCounters>();
        builder.Services.AddScoped<BackfillRunner>();

        builder.AddPlatformDatabase<ConnectorDbContext>(descriptor.Schema);
        // Raw payloads and webhook bodies are text (kept byte for byte), not jsonb: named so analyzes leave them out too.
        builder.AddStatisticsKeeper(descriptor.Schema, ["raw_records", "raw_record_outbox", "raw_record_deferred", "webhook_events"],
            ["raw_records.payload", "webhook_events.body"]);
        // Commands to a connector arrive on one queue named after it (ConnectorQueues.For(source)).
        builder.AddPlatformMessaging(descriptor.ServiceName, bus =>
        {
            bus.AddConsumer<ReleaseStagedRecordsConsumer>().Endpoint(e => e.Name = descriptor.ServiceName);
            bus.AddConsumer<StartSyncConsumer>().Endpoint(e => e.Name = descriptor.ServiceName);
            bus.AddConsumer<CancelSyncConsumer>().Endpoint(e => e.Name = descriptor.ServiceName);
            consumers?.Invoke(bus);
        });
        // First: the settings are read before the relay and the backfill worker start.
        builder.Services.AddHostedService(services => services.GetRequiredService<SourceSettingsRefresher>());
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<BackfillWorker>();
        builder.AddPlatformGauge("platform.outbox.backlog", "Staged records committed but not yet published (the relay's backlog).",
            "select count(*) from raw_record_outbox");
        builder.AddPlatformGauge("platform.staging.deferred", "Staged records waiting for an operator's Unify (deferred backfills).",
            "select count(*) from raw_record_deferred");

        configure?.Invoke(connector);
        return builder;
    }

    /// <summary>Maps the connector's endpoints (its webhook when it has one).</summary>
    public static WebApplication MapConnectorEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var connector = app.Services.GetRequiredService<ConnectorBuilder>();
        app.MapConnectorStatusEndpoint(connector.Descriptor);
        app.MapSettingsEndpoints();
        if (connector.HasWebhooks)
        {
            app.MapWebhookEndpoint(connector.Descriptor, connector.LocatesWebhookWorkspace);
        }
        return app;
    }
}
