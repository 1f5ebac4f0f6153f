using Platform.Testing;

namespace Platform.Connectors.Ploomes.Tests;

/// <summary>
/// connector-ploomes hosted on a real database and virtual host, a subscriber on RawRecordStaged, and a fake
/// Ploomes API the connector re-reads pushed records from.
/// </summary>
public sealed class PloomesConnectorFixture() : ConnectorHostFixture<Program>("ploomes")
{
    public const string Workspace = "acme";
    /// <summary>A workspace whose User-Key Ploomes no longer accepts.</summary>
    public const string RevokedWorkspace = "revoked";
    public const string ValidationKey = "vk-fixture-3c81e0";
    public const string UserKey = "uk-fixture-a41f77";

    public FakePloomes Ploomes { get; private set; } = null!;

    protected override async Task BeforeHostAsync() => Ploomes = await FakePloomes.StartAsync(UserKey);

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        [$"Connectors:Ploomes:Workspaces:{Workspace}:UserKey"] = UserKey,
        [$"Connectors:Ploomes:Workspaces:{Workspace}:ValidationKey"] = ValidationKey,
        [$"Connectors:Ploomes:Workspaces:{Workspace}:ClientTagName"] = "Cliente",
        [$"Connectors:Ploomes:Workspaces:{RevokedWorkspace}:UserKey"] = "uk-revoked",
        [$"Connectors:Ploomes:Workspaces:{RevokedWorkspace}:ValidationKey"] = ValidationKey,
        ["Connectors:Ploomes:Http:BaseAddress"] = Ploomes.Address.ToString(),
        ["Connectors:Ploomes:Http:MaxRetries"] = "1",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Ploomes.DisposeAsync();
    }
}
