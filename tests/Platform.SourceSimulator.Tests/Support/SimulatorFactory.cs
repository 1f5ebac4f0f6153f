using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.SourceSimulator.Tests.Support;

/// <summary>
/// The simulator in-process. Source-wide rate limits are off (tests that want one set it on their own account), and
/// webhook deliveries go to <see cref="Receiver"/> instead of the network.
/// </summary>
public sealed class SimulatorFactory : WebApplicationFactory<Program>
{
    public WebhookReceiver Receiver { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Simulator:RateLimits:Stripe:Permits"] = "0",
            ["Simulator:RateLimits:Hotmart:Permits"] = "0",
            ["Simulator:RateLimits:Ploomes:Permits"] = "0",
            ["Simulator:RateLimits:Sgt:Permits"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services => services
            .AddHttpClient("webhooks")
            .ConfigurePrimaryHttpMessageHandler(() => Receiver)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan));
    }
}

/// <summary>One factory for a test class; every test makes its own accounts (unique credentials), so tests never share data.</summary>
public sealed class SimulatorFixture : IDisposable
{
    public SimulatorFactory Factory { get; } = new();

    public SimulatorApi Api => new(Factory.CreateClient());

    public void Dispose() => Factory.Dispose();
}
