using MassTransit;
using Npgsql;
using Platform.Aggregation.Domain;
using Platform.Aggregation.Persistence;

namespace Platform.Aggregation.Hosting;

/// <summary>
/// Publishes events left in the outbox by a publisher that crashed or failed after its commit. Events are normally
/// published and deleted at once; only those older than the relay interval are taken, so the relay never races a
/// publisher that is merely slow (a crash between publish and delete can still publish an event twice: consumers
/// are idempotent).
/// </summary>
internal sealed partial class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, AggregationOptions options, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.OutboxRelaySeconds));
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                List<OutboxEvent> events;
                do
                {
                    events = await Outbox.ReadStaleAsync(dataSource, interval, 500, stoppingToken);
                    foreach (var e in events)
                    {
                        await bus.Publish(e.Message, e.Message.GetType(), stoppingToken);
                    }
                    await Outbox.DeleteAsync(dataSource, events.Select(e => e.Id).ToList(), stoppingToken);
                    if (events.Count > 0)
                    {
                        LogRelayed(logger, events.Count);
                    }
                }
                while (events.Count == 500);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRelayFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Published {Count} event(s) left in the outbox")]
    private static partial void LogRelayed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox relay failed; it tries again at the next tick")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
