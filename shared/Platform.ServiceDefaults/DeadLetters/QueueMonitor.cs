using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.ServiceDefaults.DeadLetters;

/// <summary>
/// Samples this service's queues every <see cref="TelemetryOptions.SampleIntervalSeconds"/> into gauges:
/// <c>platform_queue_messages</c> (depth: the consumer's lag in messages), <c>platform_queue_consumers</c>
/// (0 = consumers down) and <c>platform_queue_dead_lettered</c> (messages in the queue's <c>_error</c> queue). A sample
/// that fails, whatever the reason, empties the gauges until the next one: the sampling never stops.
/// </summary>
internal sealed partial class QueueMonitor : BackgroundService
{
    private readonly ServiceQueues _queues;
    private readonly BrokerQueues _broker;
    private readonly TelemetryOptions _options;
    private readonly ILogger<QueueMonitor> _logger;
    private readonly Lock _lock = new();
    private IReadOnlyList<QueueState> _latest = [];

    public QueueMonitor(ServiceQueues queues, BrokerQueues broker, IMeterFactory meters, TelemetryOptions options, ILogger<QueueMonitor> logger)
    {
        _queues = queues;
        _broker = broker;
        _options = options;
        _logger = logger;
        var meter = meters.Create(PlatformMetrics.MeterName);
        meter.CreateObservableGauge("platform.queue.messages", () => Observe(s => s.Messages), "{message}",
            "Messages waiting in a consumer's queue.");
        meter.CreateObservableGauge("platform.queue.consumers", () => Observe(s => s.Consumers), "{consumer}",
            "Consumers attached to a queue (0: nobody is consuming it).");
        meter.CreateObservableGauge("platform.queue.dead_lettered", () => Observe(s => s.DeadLettered), "{message}",
            "Messages in a queue's _error queue, waiting for an operator to replay them.");
    }

    private IEnumerable<Measurement<long>> Observe(Func<QueueState, long> value)
    {
        IReadOnlyList<QueueState> latest;
        lock (_lock)
        {
            latest = _latest;
        }
        return latest.Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>("queue", s.Queue)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, _options.SampleIntervalSeconds)));
        do
        {
            var states = new List<QueueState>();
            try
            {
                foreach (var queue in _queues.Names)
                {
                    states.Add(await _broker.InspectAsync(queue, stoppingToken));
                }
            }
            catch (BrokerUnavailableException ex)
            {
                LogUnavailable(_logger, ex.InnerException?.GetType().Name ?? ex.GetType().Name);
                states.Clear();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed sample must not end the sampling: the gauges would stay frozen (the _error alert silent).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSampleFailed(_logger, ex);
                states.Clear();
            }
            lock (_lock)
            {
                _latest = states;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue depths could not be read: the broker cannot be reached ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue depths could not be read this time; sampling goes on")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
