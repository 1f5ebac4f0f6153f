using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.Connectors.Stripe.Tests;

/// <summary>
/// connector-stripe on a real database and virtual host whose Stripe API is a fake per workspace, with
/// subscribers on the sync events. Workspaces <c>bf-1</c>…<c>bf-12</c> have API keys <c>sk_bf_1</c>….
/// </summary>
public sealed class StripeBackfillFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, FakeStripeApi> _apis = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public BusProbe<SyncCompleted> Completed { get; private set; } = null!;
    public BusProbe<SyncFailed> Failed { get; private set; } = null!;
    public BusProbe<SyncProgressed> Progress { get; private set; } = null!;
    public BusProbe<RawRecordStaged> Staged { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("stripebf");
        VirtualHost = await TestVirtualHost.CreateAsync("stripebf");
        Completed = await BusProbe<SyncCompleted>.StartAsync(VirtualHost);
        Failed = await BusProbe<SyncFailed>.StartAsync(VirtualHost);
        Progress = await BusProbe<SyncProgressed>.StartAsync(VirtualHost);
        Staged = await BusProbe<RawRecordStaged>.StartAsync<RawRecordsStaged>(VirtualHost, many => many.Records);
        StartHost();
    }

    private readonly List<IAsyncDisposable> _hosts = [];

    /// <summary>The running host (the last one started).</summary>
    public WebApplicationFactory<Program> Host { get; private set; } = null!;

    /// <summary>Starts a connector host on the same database and broker (a first start or a restart).</summary>
    public WebApplicationFactory<Program> StartHost()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Connectors:Stripe:Http:RatePermits"] = "0",
            ["Connectors:Stripe:Http:RetryBaseDelay"] = "00:00:00.020",
            ["Connectors:Stripe:Http:RetryMaxDelay"] = "00:00:02",
            ["Connectors:Stripe:Http:MaxRetries"] = "4",
            ["Connector:Backfill:PollInterval"] = "00:00:00.500",
            ["Connector:Backfill:MaxAttempts"] = "3",
            ["Connector:Relay:PollInterval"] = "00:00:00.200",
        };
        for (var i = 1; i <= 12; i++)
        {
            settings[$"Connectors:Stripe:Workspaces:bf-{i}:ApiKey"] = $"sk_bf_{i}";
        }
        var router = new Router(_apis);
        var factory = new ServiceFactory<Program>(Database, VirtualHost, settings);
        var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.ConfigureAll<HttpClientFactoryOptions>(options =>
                options.HttpMessageHandlerBuilderActions.Add(handlers => handlers.PrimaryHandler = router))));
        _ = host.Server;
        _hosts.Add(factory);
        _hosts.Add(host);
        Host = host;
        return host;
    }

    /// <summary>The fake Stripe account behind workspace <c>bf-{n}</c>.</summary>
    public FakeStripeApi Api(int workspace)
    {
        var api = new FakeStripeApi { ApiKey = $"sk_bf_{workspace}" };
        _apis[api.ApiKey] = api;
        return api;
    }

    public async Task StartSyncAsync(Guid runId, int workspace, SyncMode mode = SyncMode.Full, DateTimeOffset? from = null,
        DateTimeOffset? to = null, params string[] streams)
    {
        var endpoint = await Completed.Bus.GetSendEndpoint(ConnectorQueues.For("stripe"));
        await endpoint.Send(new StartSync
        {
            WorkspaceId = $"bf-{workspace}", CorrelationId = runId, SyncRunId = runId, Source = "stripe",
            Streams = streams.Length == 0 ? ["customers"] : streams, Mode = mode, From = from, To = to,
        });
    }

    public Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, "connector-stripe", sql, parameters);

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.DisposeAsync();
        }
        await Completed.DisposeAsync();
        await Failed.DisposeAsync();
        await Progress.DisposeAsync();
        await Staged.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Sends each request to the fake account its bearer key belongs to.</summary>
    private sealed class Router(ConcurrentDictionary<string, FakeStripeApi> apis) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = request.Headers.Authorization?.Parameter ?? "";
            return apis.TryGetValue(key, out var api)
                ? new HttpMessageInvoker(api, disposeHandler: false).SendAsync(request, cancellationToken)
                : Task.FromResult(FakeStripeApi.Json(System.Net.HttpStatusCode.Unauthorized, """{"error":{"message":"Invalid API Key provided"}}"""));
        }

    }
}
