using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Testing;

namespace Platform.Connectors.Ploomes.Tests;

/// <summary>
/// connector-ploomes hosted on a real database and virtual host, a subscriber on RawRecordStaged, and a fake
/// Ploomes API the connector re-reads pushed records from.
/// </summary>
public sealed class PloomesConnectorFixture : IAsyncLifetime
{
    public const string Workspace = "acme";
    /// <summary>A workspace whose User-Key Ploomes no longer accepts.</summary>
    public const string RevokedWorkspace = "revoked";
    public const string ValidationKey = "vk-fixture-3c81e0";
    public const string UserKey = "uk-fixture-a41f77";

    public FakePloomes Ploomes { get; private set; } = null!;
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceFactory<Program> Service { get; private set; } = null!;
    public BusProbe<RawRecordStaged> Staged { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ploomes = await FakePloomes.StartAsync(UserKey);
        Database = await TestDatabase.CreateAsync("ploomes");
        VirtualHost = await TestVirtualHost.CreateAsync("ploomes");
        Staged = await BusProbe<RawRecordStaged>.StartAsync(VirtualHost);
        Service = new ServiceFactory<Program>(Database, VirtualHost, new Dictionary<string, string?>
        {
            [$"Connectors:Ploomes:Workspaces:{Workspace}:UserKey"] = UserKey,
            [$"Connectors:Ploomes:Workspaces:{Workspace}:ValidationKey"] = ValidationKey,
            [$"Connectors:Ploomes:Workspaces:{Workspace}:ClientTagName"] = "Cliente",
            [$"Connectors:Ploomes:Workspaces:{RevokedWorkspace}:UserKey"] = "uk-revoked",
            [$"Connectors:Ploomes:Workspaces:{RevokedWorkspace}:ValidationKey"] = ValidationKey,
            ["Connectors:Ploomes:Http:BaseAddress"] = Ploomes.Address.ToString(),
            ["Connectors:Ploomes:Http:MaxRetries"] = "1",
            ["Connector:Relay:PollInterval"] = "00:00:00.200",
        });
        _ = Service.Server; // start the host: migrations run, the bus and relay start
    }

    /// <summary>Runs a scalar query in the connector's schema.</summary>
    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { SearchPath = "\"connector-ploomes\"" };
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
        await Ploomes.DisposeAsync();
    }
}
