using Microsoft.AspNetCore.Authentication;
using Platform.Gateway.Authentication;

namespace Platform.Gateway.Hosting;

internal static class OperatorAuthenticationExtensions
{
    /// <summary>The <c>ApiKey</c> scheme and the <c>operator</c> policy every <c>/api/**</c> route requires.</summary>
    public static IHostApplicationBuilder AddOperatorAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(OperatorAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(OperatorAuthentication.Scheme, configureOptions: null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OperatorAuthentication.Policy, policy => policy
                .AddAuthenticationSchemes(OperatorAuthentication.Scheme)
                .RequireAuthenticatedUser());
        builder.Services.AddHostedService<ApiKeyStartupReport>();
        return builder;
    }

    public static WebApplication UseOperatorAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseMiddleware<OperatorLogScopeMiddleware>();
        app.UseAuthorization();
        return app;
    }
}
