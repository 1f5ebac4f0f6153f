using Platform.Contracts.Connectors;
using Platform.Testing;

namespace Platform.Connectors.Stripe.Tests;

/// <summary>connector-stripe hosted on a real database and virtual host, with a subscriber on RawRecordStaged.</summary>
public sealed class StripeConnectorFixture : IAsyncLifetime
{
    public const string Workspace = "acme";
    public const string Secret = "whsec_fixture_secret";

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceFactory<Program> Service { get; private set; } = null!;
    public BusProbe<RawRecordStaged> Staged { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("stripe");
        VirtualHost = await TestVirtualHost.CreateAsync("stripe");
        Staged = await BusProbe<RawRecordStaged>.StartAsync(VirtualHost);
        Service = new ServiceFactory<Program>(Database, VirtualHost, new Dictionary<string, string?>
        {
            [$"Connectors:Stripe:Workspaces:{Workspace}:WebhookSecret"] = Secret,
            ["Connector:Webhooks:MaxBodyBytes"] = "65536",
            ["Connector:Relay:PollInterval"] = "00:00:00.200",
        });
        _ = Service.Server; // start the host: migrations run, the bus and relay start
    }

    /// <summary>Runs a scalar query in the connector's schema.</summary>
    public Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, "connector-stripe", sql, parameters);

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Staged.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
