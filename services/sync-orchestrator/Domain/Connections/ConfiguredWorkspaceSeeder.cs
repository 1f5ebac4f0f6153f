using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Sources;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Domain.Connections;

/// <summary>
/// Seeds workspaces from configuration at startup (<c>Connectors:Stripe:Workspaces:demo:ApiKey</c>, i.e. the
/// environment <c>./platform up</c> writes): a workspace or source that is not stored yet is created with those
/// values; one that exists is left alone, so what was set through the API wins. Keys that are not fields of the
/// source's spec are skipped (and named in the log, values never).
/// </summary>
internal sealed class ConfiguredWorkspaceSeeder(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ConfiguredWorkspaceSeeder> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var sourceSection in configuration.GetSection("Connectors").GetChildren())
        {
            if (SourceSpecs.For(sourceSection.Key) is not { } spec)
            {
                continue;
            }
            foreach (var workspace in sourceSection.GetSection("Workspaces").GetChildren())
            {
                await SeedAsync(spec, workspace, cancellationToken);
            }
        }
    }

    private async Task SeedAsync(SourceSpec spec, IConfigurationSection workspace, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ConnectionStore>();
        if (await store.FindWorkspaceAsync(workspace.Key, cancellationToken) is null)
        {
            await store.PutWorkspaceAsync(workspace.Key, workspace.Key, cancellationToken);
            logger.LogInformation("Workspace {Workspace} seeded from configuration", workspace.Key);
        }
        if (await store.FindConnectionAsync(workspace.Key, spec.Source, cancellationToken) is not null)
        {
            return;
        }
        var plain = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in workspace.GetChildren())
        {
            var field = spec.Field(setting.Key);
            var value = setting.Value ?? string.Join(',', setting.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)));
            if (field is null)
            {
                logger.LogWarning("Connectors:{Source}:Workspaces:{Workspace}:{Key} is not a {Title} setting; not seeded",
                    spec.Source, workspace.Key, setting.Key, spec.Title);
                continue;
            }
            if (!string.IsNullOrWhiteSpace(value))
            {
                (field.Secret ? secrets : plain)[field.Name] = value.Trim();
            }
        }
        await store.PutConnectionAsync(workspace.Key, spec.Source, new SourceSettings(plain, secrets), SourceOrigins.Environment, cancellationToken);
        logger.LogInformation("{Source} of workspace {Workspace} seeded from configuration ({Fields})", spec.Source, workspace.Key,
            string.Join(", ", plain.Keys.Concat(secrets.Keys).Order(StringComparer.Ordinal)));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Where a source connection came from.</summary>
internal static class SourceOrigins
{
    public const string Api = "api";
    public const string Environment = "environment";
}
