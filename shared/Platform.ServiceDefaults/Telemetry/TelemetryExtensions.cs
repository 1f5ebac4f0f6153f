using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>Logs with the service's name, OpenTelemetry traces and metrics, the Prometheus endpoint.</summary>
public static class TelemetryExtensions
{
    /// <summary>Sources of spans: ASP.NET Core and HttpClient (instrumentation), MassTransit and Npgsql (their own).</summary>
    public static readonly string[] ActivitySources = ["MassTransit", "Npgsql"];

    /// <summary>Meters exported besides ASP.NET Core, HttpClient and the runtime.</summary>
    public static readonly string[] Meters = ["MassTransit", "Npgsql", PlatformMetrics.MeterName];

    internal static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        options.OtlpEndpoint ??= builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        options.OtlpProtocol ??= builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"];
        builder.Services.AddSingleton(options);

        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.FormatterName = PlatformJsonConsoleFormatter.FormatterName)
            .AddConsoleFormatter<PlatformJsonConsoleFormatter, PlatformJsonConsoleFormatterOptions>(json =>
            {
                json.ServiceName = serviceName;
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
            });

        var exportOtlp = !string.IsNullOrWhiteSpace(options.OtlpEndpoint);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceNamespace: "platform",
                serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(Meters);
                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (exportOtlp)
        {
            // Spans cost CPU on every request and message: recorded only when someone collects them.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => !IsHousekeeping(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(ActivitySources));
            var protocol = string.Equals(options.OtlpProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase)
                ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf
                : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, new Uri(options.OtlpEndpoint!));
        }
        return builder;
    }

    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);

    /// <summary>Maps <c>/metrics</c> (Prometheus text format), on <see cref="TelemetryOptions.MetricsPort"/> only when set.</summary>
    internal static WebApplication MapPlatformMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        if (!options.Prometheus)
        {
            return app;
        }
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        if (options.MetricsPort is { } port)
        {
            endpoint.RequireHost($"*:{port}");
        }
        return app;
    }
}
