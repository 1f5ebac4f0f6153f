namespace Platform.Testing;

/// <summary>
/// The service processes one fixture started: each with the fixture's common settings plus its own, their output for
/// failure messages, and all stopped in reverse order at the end.
/// </summary>
public sealed class ServiceGroup : IReadOnlyList<ServiceProcess>, IAsyncDisposable
{
    private readonly List<ServiceProcess> _services = [];

    public int Count => _services.Count;

    public ServiceProcess this[int index] => _services[index];

    /// <summary>Starts <c>services/{name}</c> with <paramref name="common"/> overlaid by <paramref name="extra"/> and waits until it is ready.</summary>
    public async Task<ServiceProcess> StartAsync(string name, string project, IReadOnlyDictionary<string, string?> common,
        IEnumerable<(string Key, string Value)> extra, int? port = null, TimeSpan? readyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(common);
        ArgumentNullException.ThrowIfNull(extra);
        var environment = new Dictionary<string, string?>(common);
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }
        var service = await ServiceProcess.StartAsync(name, project, environment, readyTimeout, port);
        _services.Add(service);
        return service;
    }

    /// <summary>Every service's recent output, for failure messages.</summary>
    public string Logs() => string.Join(Environment.NewLine, _services.Select(s => $"--- {s.Name} ---{Environment.NewLine}{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }
        _services.Clear();
    }

    public IEnumerator<ServiceProcess> GetEnumerator() => _services.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
