using System.Net;
using System.Net.Sockets;

namespace Platform.Gateway.Tests.Support;

/// <summary>One fake per gateway cluster, so a test can see which service a route reached.</summary>
public sealed class DownstreamServices : IAsyncLifetime
{
    public static readonly string[] Names =
    [
        "connector-stripe", "connector-hotmart", "connector-ploomes", "connector-gohighlevel", "connector-manychat",
        "connector-paypal", "connector-sgt", "connector-csv", "identity-resolution", "aggregation",
        "sync-orchestrator", "campaigns",
    ];

    private readonly Dictionary<string, FakeService> _services = [];

    public FakeService this[string name] => _services[name];

    public IEnumerable<FakeService> All => _services.Values;

    public async Task InitializeAsync()
    {
        foreach (var fake in await Task.WhenAll(Names.Select(FakeService.StartAsync)))
        {
            _services[fake.Name] = fake;
        }
    }

    /// <summary>Gateway settings pointing every cluster at its fake.</summary>
    public Dictionary<string, string?> Settings() =>
        _services.ToDictionary(s => ClusterAddressKey(s.Key), s => (string?)s.Value.Address.ToString());

    /// <summary>Every request any fake got whose path contains <paramref name="marker"/>.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedWith(string marker) => All.SelectMany(s => s.ReceivedWith(marker)).ToList();

    public static string ClusterAddressKey(string cluster) => $"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address";

    /// <summary>An address on which nothing listens: a port the OS just handed out and took back.</summary>
    public static string DeadAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    public async Task DisposeAsync()
    {
        foreach (var fake in _services.Values)
        {
            await fake.DisposeAsync();
        }
    }
}
