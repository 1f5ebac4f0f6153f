using Microsoft.Extensions.Configuration;

namespace Platform.Connectors;

/// <summary>
/// Per-workspace credentials of one source, from configuration (<c>Connectors:Stripe:Workspaces:{workspace}:ApiKey</c>):
/// seeded by environment (<c>Connectors__Stripe__Workspaces__demo__ApiKey</c>) and kept current from the sync
/// orchestrator, where workspaces are connected through the API (see <c>LiveSettings/</c>). Read it on every use,
/// never cache a value: a key rotated through the API reaches the next call without a restart.
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

    /// <summary>
    /// The workspaces whose <paramref name="field"/> lists <paramref name="value"/> (one value, values separated by
    /// commas, semicolons or spaces, or an array <c>{field}:0</c>…): how a delivery that names its account in the
    /// body (GoHighLevel's <c>locationId</c>) finds its workspace.
    /// </summary>
    public IReadOnlyList<string> WorkspacesListing(string field, string value) => WorkspacesListing([field], value);

    /// <summary>The workspaces where any of <paramref name="fields"/> lists <paramref name="value"/>.</summary>
    public IReadOnlyList<string> WorkspacesListing(IReadOnlyList<string> fields, string value)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }
        return configuration.GetSection($"Connectors:{connector.Source}:Workspaces").GetChildren()
            .Where(workspace => fields.Any(field => Lists(workspace, field, value)))
            .Select(workspace => workspace.Key)
            .ToList();
    }

    /// <summary>Whether a workspace's <paramref name="field"/> (one value, a separated list or an array) lists <paramref name="value"/>.</summary>
    public static bool Lists(IConfiguration credentials, string field, string value)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }
        var section = credentials.GetSection(field);
        return (section.Value ?? "").Split([',', ';', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(section.GetChildren().Select(c => c.Value ?? ""))
            .Contains(value.Trim(), StringComparer.Ordinal);
    }
}
