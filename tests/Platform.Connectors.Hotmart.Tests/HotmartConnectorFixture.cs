using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Testing;

namespace Platform.Connectors.Hotmart.Tests;

/// <summary>connector-hotmart hosted on a real database and virtual host, with a subscriber on RawRecordStaged.</summary>
public sealed class HotmartConnectorFixture : IAsyncLifetime
{
    public const string Workspace = "acme";
    public const string Hottok = "hottok-fixture-secret";

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceFactory<Program> Service { get; private set; } = null!;
    public BusProbe<RawRecordStaged> Staged { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("hotmart");
        VirtualHost = await TestVirtualHost.CreateAsync("hotmart");
        Staged = await BusProbe<RawRecordStaged>.StartAsync(VirtualHost);
        Service = new ServiceFactory<Program>(Database, VirtualHost, new Dictionary<string, string?>
        {
            [$"Connectors:Hotmart:Workspaces:{Workspace}:Hottok"] = Hottok,
            ["Connector:Webhooks:MaxBodyBytes"] = "65536",
            ["Connector:Relay:PollInterval"] = "00:00:00.200",
        });
        _ = Service.Server; // start the host: migrations run, the bus and relay start
    }

    /// <summary>Runs a scalar query in the connector's schema.</summary>
    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { SearchPath = "\"connector-hotmart\"" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Staged.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
