using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.IdentityResolution.Consumers;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.IdentityResolution.Persistence;
using Platform.ServiceDefaults.Database;

namespace Platform.IdentityResolution.Hosting;

internal static class ResolutionRegistration
{
    /// <summary>The resolver, its settings (section <c>IdentityResolution</c>) and the consumer's batcher.</summary>
    public static IHostApplicationBuilder AddIdentityResolution(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(IdentityResolutionOptions.Section).Get<IdentityResolutionOptions>()
            ?? new IdentityResolutionOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ResolutionDefaults>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddStatisticsKeeper(IdentityDbContext.Schema, "records", "record_identifiers", "identifier_values", "clients");
        builder.Services.AddSingleton<IdentityResolver>();
        builder.Services.AddSingleton<ResolutionBatcher>();
        return builder;
    }
}
