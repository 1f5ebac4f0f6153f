using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// A gauge read from the service's own database every <see cref="TelemetryOptions.SampleIntervalSeconds"/>: the
/// query returns one number, or rows of (label value, number) when <see cref="Label"/> is set.
/// </summary>
public sealed record SqlGauge(string Name, string Description, string Sql, string? Label = null);

public static class SqlGaugeExtensions
{
    /// <summary>
    /// Publishes the result of <paramref name="sql"/> as the gauge <paramref name="name"/> (meter <c>Platform</c>),
    /// e.g. an outbox backlog or runs by state. Needs <c>AddPlatformDatabase</c>.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformGauge(this IHostApplicationBuilder builder, string name, string description,
        string sql, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new SqlGauge(name, description, sql, label));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqlGaugeSampler>());
        return builder;
    }
}

internal sealed partial class SqlGaugeSampler : BackgroundService
{
    private readonly IReadOnlyList<SqlGauge> _gauges;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TelemetryOptions _options;
    private readonly ILogger<SqlGaugeSampler> _logger;
    private readonly Dictionary<string, Measurement<long>[]> _latest = [];
    private readonly Lock _lock = new();

    public SqlGaugeSampler(IEnumerable<SqlGauge> gauges, NpgsqlDataSource dataSource, IMeterFactory meters,
        TelemetryOptions options, ILogger<SqlGaugeSampler> logger)
    {
        _gauges = gauges.ToList();
        _dataSource = dataSource;
        _options = options;
        _logger = logger;
        var meter = meters.Create(PlatformMetrics.MeterName);
        foreach (var gauge in _gauges)
        {
            meter.CreateObservableGauge(gauge.Name, () => Observe(gauge.Name), description: gauge.Description);
        }
    }

    private Measurement<long>[] Observe(string name)
    {
        lock (_lock)
        {
            return _latest.TryGetValue(name, out var values) ? values : [];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, _options.SampleIntervalSeconds)));
        do
        {
            foreach (var gauge in _gauges)
            {
                Measurement<long>[] values;
                try
                {
                    values = await SampleAsync(gauge, stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
                {
                    // No value rather than a stale one: a dashboard shows the gap, an alert on absence fires.
                    LogSampleFailed(_logger, gauge.Name, ex.GetType().Name);
                    values = [];
                }
                lock (_lock)
                {
                    _latest[gauge.Name] = values;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<Measurement<long>[]> SampleAsync(SqlGauge gauge, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(gauge.Sql);
        command.CommandTimeout = 10;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<Measurement<long>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (gauge.Label is null)
            {
                values.Add(new Measurement<long>(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)));
            }
            else
            {
                values.Add(new Measurement<long>(
                    Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    new KeyValuePair<string, object?>(gauge.Label, reader.IsDBNull(0) ? "" : reader.GetValue(0).ToString())));
            }
        }
        return [.. values];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gauge {Gauge} could not be sampled ({Error})")]
    private static partial void LogSampleFailed(ILogger logger, string gauge, string error);
}
