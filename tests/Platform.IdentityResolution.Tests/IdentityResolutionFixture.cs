using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Contracts.IdentityResolution;
using Platform.Testing;

namespace Platform.IdentityResolution.Tests;

/// <summary>
/// The service hosted in-process against its own PostgreSQL database and RabbitMQ virtual host, plus
/// probes on that virtual host for the events it publishes (their <c>Bus</c> publishes into it too).
/// </summary>
public sealed class IdentityResolutionFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceFactory<Program> Service { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public BusProbe<ClientUpdated> ClientUpdates { get; private set; } = null!;
    public BusProbe<RecordLinked> RecordLinks { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("identity");
        VirtualHost = await TestVirtualHost.CreateAsync("identity");
        Service = new ServiceFactory<Program>(Database, VirtualHost);
        Http = Service.CreateClient();
        await WaitUntilReadyAsync();
        ClientUpdates = await BusProbe<ClientUpdated>.StartAsync(VirtualHost);
        RecordLinks = await BusProbe<RecordLinked>.StartAsync(VirtualHost);
    }

    /// <summary>
    /// The bus starts in the background; until /health/ready says Healthy the consumer's queue may not be
    /// bound yet and a published record would be dropped by the broker.
    /// </summary>
    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode
                && JsonDocument.Parse(last).RootElement.GetProperty("status").GetString() == "Healthy")
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"identity-resolution was not ready after {StartTimeout}: {last}");
    }

    /// <summary>Publishes a staged record into the service's virtual host, as a connector's relay would.</summary>
    public Task PublishAsync(Contracts.Connectors.RawRecordStaged message) => ClientUpdates.Bus.Publish(message);

    /// <summary>A scalar from the service's schema, for facts the HTTP API does not show.</summary>
    public async Task<long> CountAsync(string sql, string workspaceId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("workspace", workspaceId);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task DisposeAsync()
    {
        if (RecordLinks is not null)
        {
            await RecordLinks.DisposeAsync();
        }
        if (ClientUpdates is not null)
        {
            await ClientUpdates.DisposeAsync();
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
