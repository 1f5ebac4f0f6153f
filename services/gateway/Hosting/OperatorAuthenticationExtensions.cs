using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Platform.Gateway.Authentication;
using Platform.Gateway.Sessions;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Hosting;

internal static class OperatorAuthenticationExtensions
{
    /// <summary>
    /// The <c>ApiKey</c> scheme (scripts), the <c>Session</c> cookie scheme (the web app) and the <c>operator</c> policy
    /// every <c>/api/**</c> route requires: a request that sends a key is judged by the key, any other by its cookie.
    /// </summary>
    public static IHostApplicationBuilder AddOperatorAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddSingleton<InternalTokens>();
        // The gateway authenticates operators itself and signs what it forwards; it does not expect a caller token.
        builder.Services.Configure<InternalAuthOptions>(options => options.VerifyIncoming = false);
        builder.Services.AddOptions<SessionSettings>().Bind(builder.Configuration.GetSection(SessionSettings.Section));
        var session = builder.Configuration.GetSection(SessionSettings.Section).Get<SessionSettings>() ?? new SessionSettings();
        var protection = builder.Services.AddDataProtection().SetApplicationName("platform-gateway");
        if (!string.IsNullOrWhiteSpace(session.KeysDirectory))
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(session.KeysDirectory));
        }

        builder.Services.AddAuthentication(SessionAuthentication.SelectorScheme)
            .AddPolicyScheme(SessionAuthentication.SelectorScheme, "API key or session", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.ContainsKey(OperatorAuthentication.ApiKeyHeader)
                    || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? OperatorAuthentication.Scheme
                        : SessionAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(OperatorAuthentication.Scheme, configureOptions: null)
            .AddCookie(SessionAuthentication.Scheme, options =>
            {
                options.Cookie.Name = SessionAuthentication.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.Path = "/";
                options.ExpireTimeSpan = session.Lifetime;
                options.SlidingExpiration = false;
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.Headers.WWWAuthenticate = OperatorAuthentication.Scheme;
                    return GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Missing or invalid API key",
                        "Send the operator API key in the X-Api-Key header, or sign in with POST /api/session (the session may have expired).");
                };
                options.Events.OnRedirectToAccessDenied = context => GatewayProblems.WriteAsync(context.HttpContext,
                    StatusCodes.Status403Forbidden, "Forbidden", "This session may not make this call.");
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OperatorAuthentication.Policy, policy => policy
                .AddAuthenticationSchemes(SessionAuthentication.SelectorScheme)
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
