using MassTransit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.SyncOrchestrator.Consumers;
using Platform.SyncOrchestrator.Domain.Alerts;
using Platform.SyncOrchestrator.Domain.Connections;
using Platform.SyncOrchestrator.Domain.Runs;
using Platform.SyncOrchestrator.Domain.Schedules;
using Platform.SyncOrchestrator.Domain.Sources;
using Platform.ServiceDefaults.Callers;
using Platform.ServiceDefaults.Telemetry;
using Platform.SyncOrchestrator.Persistence;

namespace Platform.SyncOrchestrator.Hosting;

internal static class OrchestratorRegistration
{
    /// <summary>
    /// Settings (section <c>SyncOrchestrator</c>), the clock, the connector directory and status client, the run launcher,
    /// and 400s (not 500s) for unreadable request bodies.
    /// </summary>
    public static IHostApplicationBuilder AddSyncOrchestrator(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrchestratorOptions.Section).Get<OrchestratorOptions>() ?? new OrchestratorOptions();
        Validate(options);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConnectorDirectory>();
        builder.Services.AddSingleton<ConnectorCommands>();
        builder.Services.AddSingleton<RunLauncher>();
        builder.Services.AddSingleton<FailedRunAlert>();
        builder.Services.AddSingleton<AlertSignal>();
        // The status client bounds each call itself (StatusTimeout), so one slow connector cannot hold a page.
        builder.Services.AddHttpClient<ConnectorStatusClient>(http => http.Timeout = Timeout.InfiniteTimeSpan).AddPlatformCallerToken();
        builder.Services.AddHttpClient(AlertNotifier.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddPlatformGauge("platform.sync.runs", "Sync runs by state.",
            "select status, count(*) from sync_runs group by status", label: "state");
        builder.AddPlatformGauge("platform.sync.runs.stuck", "Unfinished sync runs that stopped reporting progress.",
            "select count(*) from sync_runs where stuck_since is not null and status in ('requested', 'running', 'cancelling')");
        return builder;
    }

    /// <summary>
    /// Workspaces and their sources: the store, secrets encrypted with Data Protection (key ring in this service's
    /// schema, so every replica decrypts), the connector settings client, and the seed from configuration.
    /// </summary>
    public static IHostApplicationBuilder AddSourceConnections(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection()
            .SetApplicationName("platform-sync-orchestrator")
            .PersistKeysToDbContext<OrchestratorDbContext>();
        builder.Services.AddScoped<ConnectionStore>();
        // Each call bounds itself (checks 30 s, change notices 3 s).
        builder.Services.AddHttpClient<ConnectorSettingsClient>(http => http.Timeout = Timeout.InfiniteTimeSpan).AddPlatformCallerToken();
        // After the migrations (hosted services start in order; AddPlatformDatabase registered those first).
        builder.Services.AddHostedService<ConfiguredWorkspaceSeeder>();
        return builder;
    }

    /// <summary>The connector events that move runs, each on its own queue (<c>sync-orchestrator-sync-progressed</c>…).</summary>
    public static void AddSyncEventConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SyncProgressedConsumer>();
        bus.AddConsumer<SyncCompletedConsumer>();
        bus.AddConsumer<SyncFailedConsumer>();
    }

    /// <summary>The background loops: scheduler, command dispatcher, stuck-run detector, alert webhook.</summary>
    public static IHostApplicationBuilder AddOrchestratorWorkers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ScheduleRunner>();
        builder.Services.AddHostedService<RunDispatcher>();
        builder.Services.AddHostedService<StuckRunDetector>();
        builder.Services.AddHostedService<AlertNotifier>();
        return builder;
    }

    private static void Validate(OrchestratorOptions options)
    {
        if (options.Alerts.WebhookUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException("SyncOrchestrator:Alerts:WebhookUrl must be an absolute http(s) address (a Slack incoming webhook, say), or unset.");
        }
        if (options.Alerts.StuckAfter <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("SyncOrchestrator:Alerts:StuckAfter must be positive (e.g. 00:30:00).");
        }
        if (CronSchedule.Normalize(options.Scheduler.DefaultCron).Error is { } cron)
        {
            throw new InvalidOperationException($"SyncOrchestrator:Scheduler:DefaultCron: {cron}");
        }
        if (CronSchedule.FindTimeZone(options.Scheduler.DefaultTimeZone) is null)
        {
            throw new InvalidOperationException($"SyncOrchestrator:Scheduler:DefaultTimeZone '{options.Scheduler.DefaultTimeZone}' is not a known time zone.");
        }
    }
}
