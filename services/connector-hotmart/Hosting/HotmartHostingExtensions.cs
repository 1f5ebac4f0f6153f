using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Connectors.Hosting;
using Platform.Connectors.Hotmart.Domain;

namespace Platform.Connectors.Hotmart.Hosting;

public static class HotmartHostingExtensions
{
    /// <summary>
    /// Hotmart's own settings (<c>Connectors:Hotmart</c>: auth address, webhook age limit, backfill windows) and the
    /// per-workspace OAuth token cache, which must outlive the transient typed client.
    /// </summary>
    public static ConnectorBuilder AddHotmartSettings(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        connector.Host.Services.Configure<HotmartOptions>(connector.Host.Configuration.GetSection(HotmartOptions.Section));
        connector.Host.Services.TryAddSingleton<HotmartTokenCache>();
        return connector;
    }
}
