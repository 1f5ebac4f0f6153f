using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Platform.Gateway.Tests.Support;

/// <summary>The gateway in-process, with settings layered over its appsettings.json and its logs recorded.</summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    /// <summary>The operator key the tests present; the gateway only ever sees its hash.</summary>
    public const string OperatorKey = "k3y-for-tests-0b6f2d8e4a1c";
    public const string OperatorName = "ana.ops";

    private readonly Dictionary<string, string?> _settings;

    public GatewayFactory(IDictionary<string, string?> settings, bool withOperatorKey = true, bool onKestrel = false)
    {
        _settings = new Dictionary<string, string?>(settings);
        // The readiness tests fake two services; appsettings.json lists every deployed one.
        _settings.TryAdd("Gateway:ReadyServices:0", "connector-stripe");
        _settings.TryAdd("Gateway:ReadyServices:1", "identity-resolution");
        // Blank the rest of appsettings.json's list (it grows with every service).
        for (var i = 2; i < 16; i++)
        {
            _settings.TryAdd($"Gateway:ReadyServices:{i}", "");
        }
        // No web app unless a test gives one: unknown paths stay 404s instead of the app's index.html.
        _settings.TryAdd("Gateway:WebRoot", Path.Combine(Path.GetTempPath(), "no-web-app-here"));
        _settings.TryAdd("Platform:InternalAuth:Key", Platform.Testing.TestEnvironment.InternalAuthKey);
        if (withOperatorKey)
        {
            _settings.TryAdd("Gateway:ApiKeys:0:Name", OperatorName);
            _settings.TryAdd("Gateway:ApiKeys:0:Sha256", Sha256Hex(OperatorKey));
        }
        if (onKestrel)
        {
            // Only a real server enforces the per-request body limit on chunked uploads.
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        }
    }

    public RecordingLoggerProvider Logs { get; } = new();

    public static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public HttpClient CreateOperatorClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Logs.Dispose();
        }
    }
}
