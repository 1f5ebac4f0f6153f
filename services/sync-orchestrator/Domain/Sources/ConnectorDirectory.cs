using Platform.SyncOrchestrator.Hosting;

namespace Platform.SyncOrchestrator.Domain.Sources;

/// <summary>The deployed connectors (<c>SyncOrchestrator:Connectors</c>): which sources exist and where each answers.</summary>
internal sealed class ConnectorDirectory
{
    private readonly Dictionary<string, Uri> _addresses;

    public ConnectorDirectory(OrchestratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _addresses = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (name, connector) in options.Connectors)
        {
            var address = connector.Address;
            if (address is null || !address.IsAbsoluteUri || address.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException(
                    $"SyncOrchestrator:Connectors:{name}:Address must be the connector's absolute http(s) address, e.g. http://127.0.0.1:5101/.");
            }
            // A base without a trailing slash would lose its last segment when the status path is appended.
            _addresses[name.ToLowerInvariant()] = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        }
        Sources = [.. _addresses.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Source names, sorted.</summary>
    public IReadOnlyList<string> Sources { get; }

    public bool Knows(string? source) => source is not null && _addresses.ContainsKey(source);

    public Uri AddressOf(string source) => _addresses[source];

    /// <summary>For error messages.</summary>
    public string Known => string.Join(", ", Sources);
}
