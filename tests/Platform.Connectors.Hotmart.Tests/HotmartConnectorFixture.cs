using Platform.Testing;

namespace Platform.Connectors.Hotmart.Tests;

/// <summary>connector-hotmart hosted on a real database and virtual host, with a subscriber on RawRecordStaged.</summary>
public sealed class HotmartConnectorFixture() : ConnectorHostFixture<Program>("hotmart")
{
    public const string Workspace = "acme";
    public const string Hottok = "hottok-fixture-secret";

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        [$"Connectors:Hotmart:Workspaces:{Workspace}:Hottok"] = Hottok,
        ["Connector:Webhooks:MaxBodyBytes"] = "65536",
    };
}
