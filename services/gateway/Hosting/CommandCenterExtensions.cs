using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Gateway.ApiDocs;
using Platform.Gateway.Live;
using Platform.Gateway.Sessions;
using Platform.Gateway.WebApp;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Hosting;

/// <summary>The web app's side of the gateway: sessions scoped to a workspace, live progress, the app itself.</summary>
internal static class CommandCenterExtensions
{
    public static IHostApplicationBuilder AddCommandCenter(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(WorkspaceOwnership.HttpClientName).AddPlatformCallerToken();
        builder.Services.AddHttpClient(LiveSyncEndpoints.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10)).AddPlatformCallerToken();
        builder.Services.AddSingleton<WorkspaceOwnership>();
        builder.Services.AddHttpClient(MergedOpenApi.HttpClientName);
        builder.Services.AddSingleton<MergedOpenApi>();
        builder.Services.AddOptions<LiveOptions>().Bind(builder.Configuration.GetSection(LiveOptions.Section));
        return builder;
    }

    /// <summary>After authorization: a session's calls stay in its workspace.</summary>
    public static WebApplication UseWorkspaceGuard(this WebApplication app)
    {
        app.UseMiddleware<WorkspaceGuardMiddleware>();
        return app;
    }

    public static WebApplication MapCommandCenter(this WebApplication app)
    {
        app.MapSessionEndpoints();
        app.MapLiveSyncEndpoints();
        app.MapApiDocs();
        app.MapWebApp();
        return app;
    }
}
