using Platform.IdentityResolution.Domain.Recompute;

namespace Platform.IdentityResolution.Hosting;

internal static class RecomputeRegistration
{
    /// <summary>Workspace recompute jobs: the service that queues and runs them, and the runner on every instance.</summary>
    public static IHostApplicationBuilder AddWorkspaceRecompute(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RecomputeSignal>();
        builder.Services.AddSingleton<WorkspaceRecompute>();
        builder.Services.AddHostedService<RecomputeJobRunner>();
        return builder;
    }
}
