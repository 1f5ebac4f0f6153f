using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Callers;

public static class CallerExtensions
{
    internal static IHostApplicationBuilder AddPlatformCallers(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddOptions<InternalAuthOptions>().Bind(builder.Configuration.GetSection(InternalAuthOptions.Section));
        builder.Services.TryAddSingleton(new CallerIdentity(serviceName));
        builder.Services.AddTransient<CallerSigningHandler>();
        return builder;
    }

    internal static WebApplication UsePlatformCallers(this WebApplication app)
    {
        app.UseMiddleware<CallerVerificationMiddleware>();
        return app;
    }

    /// <summary>Signs this client's requests as this service, for calls to another service's <c>/internal</c>, <c>/api</c> or <c>/dead-letters</c>.</summary>
    public static IHttpClientBuilder AddPlatformCallerToken(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler<CallerSigningHandler>();
}
