using System.Security.Cryptography;
using Platform.Testing;

namespace Platform.Connectors.GoHighLevel.Tests;

/// <summary>
/// connector-gohighlevel on a real database and virtual host. Its webhook public key is this fixture's own (HighLevel's
/// private key being HighLevel's), so tests sign deliveries as HighLevel would.
/// </summary>
public sealed class GhlConnectorFixture() : ConnectorHostFixture<Program>("gohighlevel")
{
    public const string Workspace = "agencia";
    public const string Location = "LocAgencia0000000001";

    /// <summary>A workspace connected the way the spec describes it: several locations in <c>LocationIds</c>.</summary>
    public const string MultiWorkspace = "rede";
    public static readonly string[] MultiLocations = ["LocRedeSul0000000001", "LocRedeNorte00000002"];

    public RSA Signer { get; } = RSA.Create(2048);

    /// <summary>A second key, standing for HighLevel's key after a rotation (both are accepted during it).</summary>
    public RSA Rotated { get; } = RSA.Create(2048);

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Connectors:GoHighLevel:WebhookPublicKeys"] =
            Convert.ToBase64String(Signer.ExportSubjectPublicKeyInfo()) + "," + Convert.ToBase64String(Rotated.ExportSubjectPublicKeyInfo()),
        [$"Connectors:GoHighLevel:Workspaces:{Workspace}:LocationId"] = Location,
        [$"Connectors:GoHighLevel:Workspaces:{Workspace}:Token"] = "pit-unused",
        [$"Connectors:GoHighLevel:Workspaces:{MultiWorkspace}:LocationIds:0"] = MultiLocations[0],
        [$"Connectors:GoHighLevel:Workspaces:{MultiWorkspace}:LocationIds:1"] = MultiLocations[1],
        [$"Connectors:GoHighLevel:Workspaces:{MultiWorkspace}:Token"] = "pit-unused",
        ["Connectors:GoHighLevel:Http:BaseAddress"] = "http://127.0.0.1:9/",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Signer.Dispose();
        Rotated.Dispose();
    }
}
