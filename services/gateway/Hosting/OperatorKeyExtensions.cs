using Platform.Gateway.Keys;
using Platform.ServiceDefaults;

namespace Platform.Gateway.Hosting;

internal static class OperatorKeyExtensions
{
    /// <summary>
    /// Operator keys stored in PostgreSQL (schema <c>gateway</c>) when <c>ConnectionStrings:Platform</c> is set; without
    /// it only the configured keys (<c>Gateway:ApiKeys</c>) work and <c>/api/admin/keys</c> answers 503.
    /// </summary>
    public static IHostApplicationBuilder AddOperatorKeys(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Platform")))
        {
            return builder;
        }
        builder.AddPlatformDatabase<GatewayDbContext>(GatewayDbContext.Schema);
        builder.Services.AddSingleton<OperatorKeyStore>();
        return builder;
    }
}
