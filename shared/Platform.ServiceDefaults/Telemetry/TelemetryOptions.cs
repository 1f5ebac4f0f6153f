namespace Platform.ServiceDefaults.Telemetry;

/// <summary>The <c>Telemetry</c> configuration section.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// OTLP collector address (traces and metrics). Empty: no OTLP export, and no spans are recorded (trace
    /// context still flows through HTTP and messages). The standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> variables work too.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (port 4317, the default) or <c>http/protobuf</c> (port 4318).</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>Serve Prometheus' text format at <c>/metrics</c>.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// When set, <c>/metrics</c> answers only on this port (add it to <c>Urls</c>), so a public listener such as
    /// the gateway's never serves it.
    /// </summary>
    public int? MetricsPort { get; set; }

    /// <summary>How often gauges read from the database and the broker (outbox backlog, queue depth) are sampled.</summary>
    public int SampleIntervalSeconds { get; set; } = 15;
}
