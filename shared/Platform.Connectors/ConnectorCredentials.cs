using Microsoft.Extensions.Configuration;

namespace Platform.Connectors;

/// <summary>
/// Per-workspace credentials of one source, from configuration or environment
/// (<c>Connectors:Stripe:Workspaces:{workspace}:ApiKey</c>, env <c>Connectors__Stripe__Workspaces__demo__ApiKey</c>).
/// Values are never logged; only whether a workspace is configured.
/// </summary>
public sealed class ConnectorCredentials(IConfiguration configuration, ConnectorDescriptor connector)
{
    public string Source => connector.Source;

    /// <summary>The workspace's section (check <c>Exists()</c>).</summary>
    public IConfigurationSection For(string workspaceId) =>
        configuration.GetSection($"Connectors:{connector.Source}:Workspaces:{workspaceId}");

    /// <summary>Workspaces that have credentials for this source.</summary>
    public IEnumerable<string> Workspaces() =>
        configuration.GetSection($"Connectors:{connector.Source}:Workspaces").GetChildren().Select(c => c.Key);
}
