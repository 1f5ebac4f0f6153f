using Microsoft.Extensions.Configuration;

namespace Platform.Connectors.LiveSettings;

/// <summary>Where a connector loads its workspaces' settings from (<c>Connector:Settings</c>).</summary>
public sealed class SourceSettingsOptions
{
    /// <summary>
    /// The sync orchestrator (<c>http://127.0.0.1:5401/</c>). Unset: only configuration and environment (the seed) hold
    /// credentials, and write-backs live in memory until a restart.
    /// </summary>
    public Uri? OrchestratorAddress { get; set; }

    /// <summary>How often the settings are read again (besides the orchestrator's change notices).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on one read of the settings.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The workspaces' settings loaded from the sync orchestrator, as configuration: <c>Connectors:{source}:Workspaces:{ws}:{Key}</c>
/// (keys PascalCase, <c>ApiKey</c>). Added after environment variables, so what was set through the API wins over the
/// seed. Every change raises the configuration's reload token; <see cref="ConnectorCredentials"/> reads it on each use.
/// </summary>
public sealed class LiveSourceSettingsProvider(string source) : ConfigurationProvider, IConfigurationSource
{
    private readonly Lock _gate = new();
    private Dictionary<string, Dictionary<string, string>> _workspaces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Workspace, string Key), string> _written = [];

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>Replaces every workspace's settings; true when anything changed (then the reload token fires).</summary>
    public bool Replace(IReadOnlyDictionary<string, Dictionary<string, string>> workspaces)
    {
        ArgumentNullException.ThrowIfNull(workspaces);
        lock (_gate)
        {
            var next = workspaces.ToDictionary(w => w.Key, w => new Dictionary<string, string>(w.Value, StringComparer.OrdinalIgnoreCase),
                StringComparer.OrdinalIgnoreCase);
            // A write-back the orchestrator has not served yet (its answer was read before the write) is kept.
            foreach (var ((workspace, key), value) in _written)
            {
                if (next.TryGetValue(workspace, out var settings) && settings.TryGetValue(key, out var served) && served == value)
                {
                    continue;
                }
                if (!next.TryGetValue(workspace, out settings))
                {
                    next[workspace] = settings = new(StringComparer.OrdinalIgnoreCase);
                }
                settings[key] = value;
            }
            _written.Clear();
            if (Same(_workspaces, next))
            {
                return false;
            }
            _workspaces = next;
            Rebuild();
        }
        OnReload();
        return true;
    }

    /// <summary>Sets one value at once (a connector's write-back), before the orchestrator serves it.</summary>
    public void Set(string workspaceId, string key, string value)
    {
        lock (_gate)
        {
            if (!_workspaces.TryGetValue(workspaceId, out var settings))
            {
                _workspaces[workspaceId] = settings = new(StringComparer.OrdinalIgnoreCase);
            }
            settings[key] = value;
            _written[(workspaceId, key)] = value;
            Rebuild();
        }
        OnReload();
    }

    private void Rebuild()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (workspace, settings) in _workspaces)
        {
            foreach (var (key, value) in settings)
            {
                data[$"Connectors:{source}:Workspaces:{workspace}:{key}"] = value;
            }
        }
        Data = data;
    }

    private static bool Same(Dictionary<string, Dictionary<string, string>> a, Dictionary<string, Dictionary<string, string>> b) =>
        a.Count == b.Count && a.All(w => b.TryGetValue(w.Key, out var other) && w.Value.Count == other.Count
            && w.Value.All(kv => other.TryGetValue(kv.Key, out var v) && v == kv.Value));
}
