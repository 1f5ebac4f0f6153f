using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Platform.Contracts.IdentityResolution;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The walking skeleton as real processes: gateway, connector-stripe and identity-resolution on their own
/// database and virtual host, with a test subscriber on ClientUpdated.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string Workspace = "e2e";
    public const string StripeSecret = "whsec_e2e_secret";
    public static readonly string ApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private readonly ServiceGroup _services = new();

    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public BusProbe<ClientUpdated> ClientUpdates { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;
    public ServiceProcess IdentityResolution { get; private set; } = null!;
    public ServiceProcess ConnectorStripe { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("e2e");
        VirtualHost = await TestVirtualHost.CreateAsync("e2e");
        ClientUpdates = await BusProbe<ClientUpdated>.StartAsync<ClientsUpdated>(VirtualHost, m => m.Clients);

        var common = new Dictionary<string, string?>(VirtualHost.Settings().Select(s => new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = Database.ConnectionString,
        };

        ConnectorStripe = await Start("connector-stripe", "Platform.Connectors.Stripe", common,
            ($"Connectors__Stripe__Workspaces__{Workspace}__WebhookSecret", StripeSecret));
        IdentityResolution = await Start("identity-resolution", "Platform.IdentityResolution", common);
        Gateway = await Start("gateway", "Platform.Gateway", common,
            ("Gateway__ApiKeys__0__Name", "e2e-operator"),
            // Only the services this fixture runs.
            ("Gateway__ReadyServices__0", "connector-stripe"),
            ("Gateway__ReadyServices__1", "identity-resolution"),
            ("Gateway__ReadyServices__2", ""),
            ("Gateway__ReadyServices__3", ""),
            ("Gateway__ReadyServices__4", ""),
            ("Gateway__ReadyServices__5", ""),
            ("Gateway__ReadyServices__6", ""),
            ("Gateway__ReadyServices__7", ""),
            ("Gateway__ReadyServices__8", ""),
            ("Gateway__ReadyServices__9", ""),
            ("Gateway__ReadyServices__10", ""),
            ("Gateway__ReadyServices__11", ""),
            ("Gateway__ApiKeys__0__Sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)))),
            ("ReverseProxy__Clusters__connector-stripe__Destinations__primary__Address", ConnectorStripe.Address.ToString()),
            ("ReverseProxy__Clusters__identity-resolution__Destinations__primary__Address", IdentityResolution.Address.ToString()));
    }

    private Task<ServiceProcess> Start(string name, string project, Dictionary<string, string?> common, params (string Key, string Value)[] extra)
        => _services.StartAsync(name, project, common, extra);

    /// <summary>An HTTP client on the gateway, with the operator key unless told otherwise.</summary>
    public HttpClient GatewayClient(bool withApiKey = true)
    {
        var client = new HttpClient { BaseAddress = Gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (withApiKey)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        }
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Every service's recent output, for failure messages.</summary>
    public string Logs() => _services.Logs();

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await ClientUpdates.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
