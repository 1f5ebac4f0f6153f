using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ServiceDefaults.Privacy;

namespace Platform.Connectors.Privacy;

public static class ConnectorPrivacyRegistration
{
    /// <summary>The suppression list (checked by staging), the connector's privacy part and raw payload retention.</summary>
    public static IServiceCollection AddConnectorPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Connector:Retention").Get<RetentionOptions>() ?? new RetentionOptions());
        services.AddSingleton<RawRetention>();
        services.AddHostedService<RawRetentionWorker>();
        services.AddSingleton<SuppressionList>();
        services.TryAddSingleton<SchemaSweep>();
        services.AddSingleton<IPrivacyParticipant, ConnectorPrivacyParticipant>();
        return services;
    }
}
