using Platform.Contracts.Connectors;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// A connector hosted in-process on its own real database and virtual host, with a subscriber on
/// RawRecordStaged. A source's fixture adds its credentials (and any fake API) through <see cref="Settings"/>.
/// </summary>
public abstract class ConnectorHostFixture<TProgram>(string source) : IAsyncLifetime where TProgram : class
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceFactory<TProgram> Service { get; private set; } = null!;
    public BusProbe<RawRecordStaged> Staged { get; private set; } = null!;

    /// <summary>The source's settings (credentials, base address); the relay polls fast in tests.</summary>
    protected abstract IDictionary<string, string?> Settings();

    /// <summary>Starts what the settings point at (a fake vendor API) before the host.</summary>
    protected virtual Task BeforeHostAsync() => Task.CompletedTask;

    public virtual async Task InitializeAsync()
    {
        await BeforeHostAsync();
        Database = await TestDatabase.CreateAsync(source);
        VirtualHost = await TestVirtualHost.CreateAsync(source);
        Staged = await BusProbe<RawRecordStaged>.StartAsync<RawRecordsStaged>(VirtualHost, many => many.Records);
        var settings = Settings();
        settings.TryAdd("Connector:Relay:PollInterval", "00:00:00.200");
        Service = new ServiceFactory<TProgram>(Database, VirtualHost, settings);
        _ = Service.Server; // start the host: migrations run, the bus and relay start
    }

    /// <summary>Runs a scalar query in the connector's schema.</summary>
    public Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        SchemaQuery.CountAsync(Database, $"connector-{source}", sql, parameters);

    public virtual async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Staged.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
