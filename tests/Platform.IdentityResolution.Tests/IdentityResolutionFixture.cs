using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Contracts.IdentityResolution;
using Platform.Testing;

namespace Platform.IdentityResolution.Tests;

/// <summary>
/// The service hosted in-process against its own PostgreSQL database and RabbitMQ virtual host, plus
/// probes on that virtual host for the events it publishes (their <c>Bus</c> publishes into it too).
/// </summary>
public class IdentityResolutionFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceFactory<Program> Service { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public BusProbe<ClientUpdated> ClientUpdates { get; private set; } = null!;
    /// <summary>Every link, whether published alone (<c>RecordLinked</c>) or with a sync run's others (<c>RecordsLinked</c>).</summary>
    public BusProbe<RecordLinked> RecordLinks { get; private set; } = null!;
    /// <summary>The bulk messages themselves.</summary>
    public BusProbe<RecordsLinked> BulkLinks { get; private set; } = null!;
    public BusProbe<ClientsUpdated> BulkClients { get; private set; } = null!;
    public BusProbe<ClientsMerged> Merges { get; private set; } = null!;
    public BusProbe<ClientSplit> Splits { get; private set; } = null!;
    public BusProbe<MergeConflictRecorded> Conflicts { get; private set; } = null!;

    /// <summary>Settings over the service's appsettings, for every host of the fixture.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("identity");
        VirtualHost = await TestVirtualHost.CreateAsync("identity");
        Service = new ServiceFactory<Program>(Database, VirtualHost, Settings);
        Http = Service.CreateClient();
        await WaitUntilReadyAsync(Http);
        ClientUpdates = await BusProbe<ClientUpdated>.StartAsync<ClientsUpdated>(VirtualHost, m => m.Clients);
        RecordLinks = await BusProbe<RecordLinked>.StartAsync<RecordsLinked>(VirtualHost, m => m.Records);
        BulkLinks = await BusProbe<RecordsLinked>.StartAsync(VirtualHost);
        BulkClients = await BusProbe<ClientsUpdated>.StartAsync(VirtualHost);
        Merges = await BusProbe<ClientsMerged>.StartAsync(VirtualHost);
        Splits = await BusProbe<ClientSplit>.StartAsync(VirtualHost);
        Conflicts = await BusProbe<MergeConflictRecorded>.StartAsync(VirtualHost);
    }

    /// <summary>
    /// The bus starts in the background; until /health/ready says Healthy the consumer's queue may not be
    /// bound yet and a published record would be dropped by the broker.
    /// </summary>
    protected static async Task WaitUntilReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
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
    public Task PublishAsync(RawRecordStaged message) => ClientUpdates.Bus.Publish(message);

    /// <summary>Publishes every record at once (they reach the service concurrently).</summary>
    public Task PublishAllAsync(IEnumerable<RawRecordStaged> messages) => Task.WhenAll(messages.Select(PublishAsync));

    /// <summary>Publishes records and waits until the workspace holds <paramref name="records"/> records (all resolved).</summary>
    public async Task PublishAndSettleAsync(string workspaceId, int records, params RawRecordStaged[] messages)
    {
        await PublishAllAsync(messages);
        await WaitForRecordsAsync(workspaceId, records);
    }

    /// <summary>Waits until the workspace holds this many records: each is stored in the transaction that resolves it.</summary>
    public async Task<StatsDto> WaitForRecordsAsync(string workspaceId, long records, TimeSpan? timeout = null)
    {
        StatsDto stats = null!;
        await Eventually.HoldsAsync(async () =>
        {
            stats = await GetJsonAsync<StatsDto>($"/api/identity/stats?workspaceId={workspaceId}");
            return stats.Records >= records;
        }, $"workspace {workspaceId} holds {records} records", timeout ?? TimeSpan.FromSeconds(60));
        return stats;
    }

    /// <summary>A scalar from the service's schema, for facts the HTTP API does not show.</summary>
    public async Task<long> CountAsync(string sql, string workspaceId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("workspace", workspaceId);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>The record id and client of a staged record, as the API names them.</summary>
    public async Task<(long RecordId, Guid? ClientId)> RecordAsync(string workspaceId, string source, string externalId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """select id, client_id from "identity-resolution".records where workspace_id = @w and source = @s and external_id = @e""", connection);
        command.Parameters.AddWithValue("w", workspaceId);
        command.Parameters.AddWithValue("s", source);
        command.Parameters.AddWithValue("e", externalId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"record {source}/{externalId} is not in workspace {workspaceId}");
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetGuid(1));
    }

    /// <summary>Every client of the workspace as the set of its records' external ids (the partition, without ids).</summary>
    public async Task<List<string>> PartitionAsync(string workspaceId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select string_agg(source || '/' || entity_type || '/' || external_id, ',' order by source, entity_type, external_id)
            from "identity-resolution".records where workspace_id = @w
            group by coalesce(client_id::text, status || ':' || id::text)
            """, connection);
        command.Parameters.AddWithValue("w", workspaceId);
        var groups = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            groups.Add(reader.GetString(0));
        }
        return groups.Order(StringComparer.Ordinal).ToList();
    }

    public async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task<T> PostJsonAsync<T>(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task PutSettingsAsync(string workspaceId, object settings)
    {
        using var response = await Http.PutAsJsonAsync(new Uri($"/api/identity/settings?workspaceId={workspaceId}", UriKind.Relative), settings);
        Assert.True(response.IsSuccessStatusCode, $"PUT settings: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<ClientDto> ClientAsync(Guid id) => await GetJsonAsync<ClientDto>($"/api/clients/{id}");

    public async Task<List<ClientSummaryDto>> ClientsAsync(string workspaceId) =>
        (await GetJsonAsync<PageDto<ClientSummaryDto>>($"/api/clients?workspaceId={workspaceId}&pageSize=200")).Items;

    public virtual async Task DisposeAsync()
    {
        foreach (var probe in new IAsyncDisposable?[] { Conflicts, Splits, Merges, RecordLinks, BulkLinks, BulkClients, ClientUpdates })
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
