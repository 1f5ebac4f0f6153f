using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Testing;

/// <summary>
/// Hosts one service in-process against a real database and virtual host. Extra settings override
/// the service's appsettings. Test clients stand where the gateway would: their calls are signed (see
/// <see cref="SignTestCallsStartupFilter"/>).
/// </summary>
public class ServiceFactory<TProgram>(TestDatabase database, TestVirtualHost virtualHost, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TProgram> where TProgram : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var all = new Dictionary<string, string?>(virtualHost.Settings())
        {
            ["ConnectionStrings:Platform"] = database.ConnectionString,
            // Tests want failures to reach the _error queue quickly.
            ["RabbitMq:RedeliveryIntervalsMs:0"] = "200",
            ["Platform:InternalAuth:Key"] = TestEnvironment.InternalAuthKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        foreach (var (key, value) in all)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(all));
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, SignTestCallsStartupFilter>());
    }
}
