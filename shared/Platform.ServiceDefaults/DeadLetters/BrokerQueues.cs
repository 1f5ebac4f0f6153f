using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.ServiceDefaults.DeadLetters;

/// <summary>One queue of this service as the broker sees it, with its <c>_error</c> queue.</summary>
public sealed record QueueState(string Queue, string ErrorQueue, long Messages, long Consumers, long DeadLettered);

/// <summary>What a replay moved.</summary>
public sealed record ReplayResult(string Queue, long Replayed, long Remaining);

/// <summary>The broker could not be reached or refused the operation.</summary>
public sealed class BrokerUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Reads queue depths over AMQP (a passive declare, so no management plugin is needed) and moves dead-lettered
/// messages from <c>{queue}_error</c> back to <c>{queue}</c>. Its own connection, apart from the bus's.
/// </summary>
public sealed partial class BrokerQueues(MessagingOptions options, string serviceName, ILogger<BrokerQueues> logger) : IAsyncDisposable
{
    public const string ErrorSuffix = "_error";

    private readonly SemaphoreSlim _connect = new(1, 1);
    private readonly SemaphoreSlim _replay = new(1, 1);
    private IConnection? _connection;

    public async Task<QueueState> InspectAsync(string queue, CancellationToken cancellationToken)
    {
        var (messages, consumers) = await DepthAsync(queue, cancellationToken);
        var (deadLettered, _) = await DepthAsync(queue + ErrorSuffix, cancellationToken);
        return new QueueState(queue, queue + ErrorSuffix, messages, consumers, deadLettered);
    }

    /// <summary>Messages ready in a queue (0 when it does not exist yet).</summary>
    public async Task<long> ReadyAsync(string queue, CancellationToken cancellationToken) =>
        (await DepthAsync(queue, cancellationToken)).Messages;

    /// <summary>
    /// Moves the messages waiting in <c>{queue}_error</c> (as many as it held when the replay began, so a message
    /// that fails again is not replayed twice) back to <c>{queue}</c>, each acknowledged only once the broker has
    /// confirmed its copy: a crash mid-replay leaves a message in one queue or (rarely) both, never in neither.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(string queue, CancellationToken cancellationToken)
    {
        await _replay.WaitAsync(cancellationToken);
        try
        {
            var errorQueue = queue + ErrorSuffix;
            var (waiting, _) = await DepthAsync(errorQueue, cancellationToken);
            long moved = 0;
            if (waiting > 0)
            {
                var connection = await ConnectAsync(cancellationToken);
                await using var channel = await Guard(() => connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken));
                while (moved < waiting)
                {
                    var message = await Guard(() => channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken));
                    if (message is null)
                    {
                        break;
                    }
                    var properties = new BasicProperties(message.BasicProperties);
                    if (properties.Headers is { } headers)
                    {
                        // The fault description belonged to the failed attempt; a fresh attempt starts clean.
                        foreach (var key in headers.Keys.Where(k => k.StartsWith("MT-Fault-", StringComparison.Ordinal) || k == "MT-Reason").ToList())
                        {
                            headers.Remove(key);
                        }
                    }
                    await Guard(async () =>
                    {
                        await channel.BasicPublishAsync("", queue, mandatory: false, properties, message.Body, cancellationToken);
                        await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                        return true;
                    });
                    moved++;
                }
            }
            var (remaining, _) = await DepthAsync(errorQueue, cancellationToken);
            LogReplayed(logger, moved, errorQueue, queue);
            return new ReplayResult(queue, moved, remaining);
        }
        finally
        {
            _replay.Release();
        }
    }

    /// <summary>Messages ready and consumers of a queue; (0, 0) when it does not exist (an error queue is made on first use).</summary>
    private async Task<(long Messages, long Consumers)> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        // A passive declare of a missing queue closes the channel: one channel per question.
        var channel = await Guard(() => connection.CreateChannelAsync(cancellationToken: cancellationToken));
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return (ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return (0, 0);
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException)
        {
            throw new BrokerUnavailableException("The message broker cannot be reached.", ex);
        }
        finally
        {
            // The broker may have closed it already (the 404 above): closing it again is no error of the question's.
            try
            {
                await channel.DisposeAsync();
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException)
            {
            }
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }
        await _connect.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } again)
            {
                return again;
            }
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
            var factory = new ConnectionFactory
            {
                HostName = options.Host,
                Port = options.Port,
                VirtualHost = options.VirtualHost,
                UserName = options.Username,
                Password = options.Password,
                ClientProvidedName = serviceName + "-queues",
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            };
            _connection = await Guard(() => factory.CreateConnectionAsync(cancellationToken));
            return _connection;
        }
        finally
        {
            _connect.Release();
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException
                                       or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new BrokerUnavailableException("The message broker cannot be reached.", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        _connect.Dispose();
        _replay.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} messages from {ErrorQueue} to {Queue}")]
    private static partial void LogReplayed(ILogger logger, long count, string errorQueue, string queue);
}
