using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Callers;
using Platform.ServiceDefaults.DeadLetters;
using Platform.ServiceDefaults.Privacy;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.ServiceDefaults;

/// <summary>What every service host starts with: logs, health, problem details, OpenAPI, correlation ids, verified callers.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health checks tagged with this run in <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var serviceName = PlatformServiceName.Of(builder);
        builder.AddPlatformTelemetry(serviceName);
        builder.AddPlatformCallers(serviceName);

        builder.Services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context =>
            {
                context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
                if (context.HttpContext.Items.TryGetValue(CorrelationId.ItemKey, out var id))
                {
                    context.ProblemDetails.Extensions["correlationId"] = id;
                }
            });
        builder.Services.AddExceptionHandler<DependencyUnavailableExceptionHandler>();
        BadRequestExceptionHandler.Register(builder.Services);
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks();
        builder.Services.AddHttpContextAccessor();
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Before any endpoint: a call that did not come through the gateway stops here.
        app.UsePlatformCallers();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapOpenApi();
        app.MapPlatformMetrics();
        if (app.Services.GetService<MessagingIdentity>() is not null)
        {
            app.MapDeadLetterEndpoints();
        }
        if (app.Services.GetService<IPrivacyParticipant>() is not null)
        {
            app.MapPrivacyEndpoints();
        }
        return app;
    }

    /// <summary>
    /// Runs the host, or with <c>--migrate-only</c> applies this service's migrations and exits
    /// (the Kubernetes migration job).
    /// </summary>
    public static async Task RunPlatformAsync(this WebApplication app, string[] args)
    {
        if (args.Contains("--migrate-only"))
        {
            foreach (var migrator in app.Services.GetServices<IDatabaseMigrator>())
            {
                await migrator.MigrateAsync(CancellationToken.None);
            }
            app.Logger.LogInformation("Migrations applied; exiting because of --migrate-only");
            return;
        }
        await app.RunAsync();
    }
}

internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                // Never an exception's text: readiness is open to anonymous callers. The log has the details.
                description = e.Value.Exception is { } ex && e.Value.Description == ex.Message ? "check failed" : e.Value.Description,
            }),
        };
        return context.Response.WriteAsJsonAsync(body);
    }
}
