using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.DeadLetters;

namespace Platform.Connectors.Staging;

/// <summary>
/// One lane of the relay held back by its consumers: while one of <paramref name="queues"/> holds <paramref name="limit"/>
/// ready messages or more (0: never), the lane's rows wait in the outbox, durable, in order, instead of piling up in the
/// broker. The broker is asked at most every <see cref="RelayOptions.PaceCheckInterval"/> (a webhook storm wakes the relay
/// hundreds of times a second), so a queue may go past its limit by what the relay publishes meanwhile.
/// </summary>
internal sealed partial class RelayPacer(
    string lane, Func<IReadOnlyList<string>> queues, Func<int> limit, RelayOptions options, BrokerQueues broker, string connector, ILogger logger)
{
    private string? _holding;
    private long? _readAt;

    /// <summary>A reading younger than <see cref="RelayOptions.PaceCheckInterval"/> holds the lane back: no need to read its rows.</summary>
    public bool HeldBack => _holding is not null && limit() > 0 && Fresh;

    private bool Fresh => _readAt is { } readAt && Stopwatch.GetElapsedTime(readAt) < options.PaceCheckInterval;

    public async Task<bool> HoldsBackAsync(CancellationToken cancellationToken)
    {
        var max = limit();
        if (max <= 0)
        {
            _holding = null;
            return false;
        }
        if (Fresh)
        {
            return _holding is not null;
        }
        _readAt = Stopwatch.GetTimestamp();
        string? holding = null;
        foreach (var queue in queues())
        {
            var ready = await broker.ReadyAsync(queue, cancellationToken);
            if (ready >= max)
            {
                holding = $"{queue} holds {ready} messages";
                break;
            }
        }
        if (holding is not null && _holding is null)
        {
            LogHoldingBack(logger, connector, lane, holding, max);
        }
        else if (holding is null && _holding is not null)
        {
            LogGoingOn(logger, connector, lane);
        }
        _holding = holding;
        return holding is not null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Connector} relay holds its {Lane} rows back: {Backlog} (limit {Limit})")]
    private static partial void LogHoldingBack(ILogger logger, string connector, string lane, string backlog, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Connector} relay publishes its {Lane} rows again")]
    private static partial void LogGoingOn(ILogger logger, string connector, string lane);
}
