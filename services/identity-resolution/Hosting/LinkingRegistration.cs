using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Hosting;

internal static class LinkingRegistration
{
    /// <summary>The record-to-client linking the consumer runs.</summary>
    public static IHostApplicationBuilder AddRecordLinking(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<RecordLinker>();
        return builder;
    }
}
