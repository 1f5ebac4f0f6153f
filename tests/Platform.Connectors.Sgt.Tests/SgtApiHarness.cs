using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Platform.Connectors.Backfill;
using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.Sgt.Hosting;
using Platform.Contracts.Syncs;
using RichardSzalay.MockHttp;

namespace Platform.Connectors.Sgt.Tests;

/// <summary>
/// The connector's real SGT registration (Refit client, SDK rate limit and resilience, the leads stream) on a mocked
/// HttpMessageHandler, with fast retries.
/// </summary>
internal sealed class SgtApiHarness : IDisposable
{
    public const string BaseAddress = "http://sgt.test/";

    private readonly ServiceProvider _services;

    public SgtApiHarness()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:Sgt:Http:BaseAddress"] = BaseAddress,
            ["Connectors:Sgt:Http:RetryBaseDelay"] = "00:00:00.010",
            ["Connectors:Sgt:Http:MaxRetries"] = "3",
            ["Connectors:Sgt:Workspaces:tk:Token"] = "tok-tokeniza",
            ["Connectors:Sgt:Workspaces:tk:Empresa"] = "Tokeniza",
        });
        new ConnectorBuilder(builder, new ConnectorDescriptor("sgt")).AddSgtApi();
        // After every client's own configuration (Refit sets its primary handler), so the mock is the one used.
        builder.Services.PostConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = Http));
        _services = builder.Services.BuildServiceProvider();
        Configuration = builder.Configuration;
    }

    public MockHttpMessageHandler Http { get; } = new();

    public IConfiguration Configuration { get; }

    public ISourceStreamReader Leads => _services.GetRequiredService<ISourceStreamReader>();

    public SourceHttpCounters Counters => _services.GetRequiredService<SourceHttpCounters>();

    public StreamReadContext Context(string workspace = "tk", SyncMode mode = SyncMode.Full, DateTimeOffset? since = null, DateTimeOffset? until = null) =>
        new(workspace, Configuration.GetSection($"Connectors:Sgt:Workspaces:{workspace}"), mode, since, until);

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public void Dispose()
    {
        _services.Dispose();
        Http.Dispose();
    }
}
