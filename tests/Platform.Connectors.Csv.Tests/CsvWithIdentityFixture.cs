using Platform.Testing;

namespace Platform.Connectors.Csv.Tests;

/// <summary>connector-csv in-process plus identity resolution as a real process on the same database and virtual host.</summary>
public sealed class CsvWithIdentityFixture : CsvConnectorFixture
{
    public ServiceProcess Identity { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var environment = new Dictionary<string, string?>(VirtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        Identity = await ServiceProcess.StartAsync("identity-resolution", "Platform.IdentityResolution", environment);
    }

    public override async Task DisposeAsync()
    {
        await Identity.DisposeAsync();
        await base.DisposeAsync();
    }
}
