using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts.Aggregation;
using Platform.Testing;

namespace Platform.Aggregation.Tests;

[CollectionDefinition(Name)]
public sealed class AggregationHost : ICollectionFixture<AggregationFixture>
{
    public const string Name = "aggregation";
}

/// <summary>Hosts the service with a consume observer (<see cref="ConsumedMessages"/>) added.</summary>
public sealed class AggregationServiceFactory(TestDatabase database, TestVirtualHost virtualHost, ConsumedMessages consumed)
    : ServiceFactory<Program>(database, virtualHost)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddConsumeObserver(_ => consumed));
    }
}

/// <summary>
/// The service hosted in-process against its own PostgreSQL database and RabbitMQ virtual host, with probes for the
/// events it publishes; a probe's <c>Bus</c> publishes identity resolution's events into the same virtual host. Each
/// test uses its own workspace, so tests share one host.
/// </summary>
public sealed class AggregationFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public AggregationServiceFactory Service { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public ConsumedMessages Consumed { get; } = new();
    public BusProbe<CustomerSalesUpdated> SalesUpdates { get; private set; } = null!;
    public BusProbe<CustomerBecameClient> BecameClients { get; private set; } = null!;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("aggregation");
        VirtualHost = await TestVirtualHost.CreateAsync("aggregation");
        Service = new AggregationServiceFactory(Database, VirtualHost, Consumed);
        Http = Service.CreateClient();
        await WaitUntilReadyAsync();
        SalesUpdates = await BusProbe<CustomerSalesUpdated>.StartAsync(VirtualHost);
        BecameClients = await BusProbe<CustomerBecameClient>.StartAsync(VirtualHost);
    }

    /// <summary>Until /health/ready is Healthy the consumers' queues may not be bound and a published message would be dropped.</summary>
    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && JsonDocument.Parse(last).RootElement.GetProperty("status").GetString() == "Healthy")
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"aggregation was not ready: {last}");
    }

    /// <summary>Publishes messages at once (they reach the service concurrently) and waits until it consumed them all.</summary>
    public async Task PublishAndSettleAsync(string workspaceId, IEnumerable<object> messages)
    {
        var list = messages.ToList();
        var before = Consumed.Count(workspaceId);
        await Task.WhenAll(list.Select(m => SalesUpdates.Bus.Publish(m, m.GetType())));
        await SettleAsync(workspaceId, before + list.Count);
    }

    /// <summary>Publishes messages one at a time, each consumed before the next is sent (a known arrival order).</summary>
    public async Task PublishInOrderAsync(string workspaceId, params object[] messages)
    {
        foreach (var message in messages)
        {
            await PublishAndSettleAsync(workspaceId, [message]);
        }
    }

    private async Task SettleAsync(string workspaceId, int consumed)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Consumed.Count(workspaceId) < consumed)
        {
            var faults = Consumed.Faults(workspaceId);
            Assert.True(faults.Count == 0, $"a message of workspace {workspaceId} failed in the service: {(faults.Count > 0 ? faults[0] : "")}");
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"workspace {workspaceId}: {Consumed.Count(workspaceId)} of {consumed} messages consumed");
            }
            await Task.Delay(25);
        }
    }

    public async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    /// <summary>A scalar from the service's schema, for facts the HTTP API does not show.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { SearchPath = "aggregation" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        foreach (var probe in new IAsyncDisposable?[] { BecameClients, SalesUpdates })
        {
            if (probe is not null)
            {
                await probe.DisposeAsync();
            }
        }
        Http?.Dispose();
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
        if (VirtualHost is not null)
        {
            await VirtualHost.DisposeAsync();
        }
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}
