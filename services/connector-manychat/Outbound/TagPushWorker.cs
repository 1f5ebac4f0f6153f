using Microsoft.Extensions.Logging;
using Platform.Connectors.Backfill;
using Platform.Connectors.ManyChat.Api;
using Platform.Connectors.ManyChat.Mapping;
using Platform.Connectors.Staging;

namespace Platform.Connectors.ManyChat.Outbound;

/// <summary>Wakes the tag pusher when a push is recorded or a client's subscriber becomes known.</summary>
public sealed class TagPushSignal : WakeSignal;

/// <summary>Tag push settings (<c>Connectors:ManyChat:TagPushes</c>).</summary>
public sealed class TagPushOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Attempts (each already retried by the HTTP resilience pipeline) before a push is marked failed.</summary>
    public int MaxAttempts { get; set; } = 5;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a push waits for its client's subscriber to be found before it is marked failed.</summary>
    public TimeSpan WaitForSubscriber { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Pushes recorded tags to ManyChat: reads the subscriber first (getInfo) and adds the tag only when it is not there
/// yet, so a tag a person or a flow already set is never re-added; records ManyChat's answer per client. Calls go
/// through the per-endpoint limits (10/s) and the SDK's retry pipeline; a push that keeps failing is retried later,
/// then marked failed with the reason.
/// </summary>
internal sealed partial class TagPushWorker(
    TagPushStore store,
    ManyChatClient manyChat,
    Connectors.ConnectorCredentials credentials,
    TagPushSignal signal,
    TagPushOptions options,
    TimeProvider clock,
    ILogger<TagPushWorker> logger) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await store.DueAsync(clock.GetUtcNow(), 50, stoppingToken);
                await Task.WhenAll(due.Select(d => PushAsync(d.Push, d.Subscriber, stoppingToken)));
                if (due.Count < 50)
                {
                    await signal.WaitAsync(options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The pusher outlives database outages; pushes stay pending.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPusherFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task PushAsync(Persistence.TagPushRow push, string? subscriberId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (subscriberId is null)
        {
            var expired = now - push.RequestedAt > options.WaitForSubscriber;
            await store.SaveAsync(push.Id, expired ? "failed" : "waiting_subscriber", null, push.Attempts, null,
                expired ? "no ManyChat subscriber was found for this client" : null, now.Add(options.PollInterval), null, cancellationToken);
            return;
        }
        var attempts = push.Attempts + 1;
        try
        {
            var authorization = ManyChatClient.Token(push.WorkspaceId, credentials.For(push.WorkspaceId));
            var subscriber = await manyChat.GetInfoAsync(push.WorkspaceId, authorization, subscriberId, cancellationToken);
            if (subscriber is { } s && ManyChatMapping.Tags(s).Contains(push.Tag))
            {
                await store.SaveAsync(push.Id, "already_present", subscriberId, attempts, "tag already on the subscriber; not re-added", null, now, clock.GetUtcNow(), cancellationToken);
                return;
            }
            var answer = await manyChat.AddTagAsync(push.WorkspaceId, authorization, subscriberId, push.Tag, cancellationToken);
            await store.SaveAsync(push.Id, "pushed", subscriberId, attempts, answer, null, now, clock.GetUtcNow(), cancellationToken);
            LogPushed(logger, push.Tag, push.ClientId);
        }
        catch (Exception ex) when (ex is SourceException or ManyChatErrorException or HttpRequestException)
        {
            var failed = attempts >= options.MaxAttempts || ex is ManyChatErrorException;
            await store.SaveAsync(push.Id, failed ? "failed" : "pending", subscriberId, attempts, null, ex.Message,
                now.Add(options.RetryDelay * attempts), null, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tag {Tag} pushed to ManyChat for client {ClientId}")]
    private static partial void LogPushed(ILogger logger, string tag, Guid clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ManyChat tag pusher failed; retrying")]
    private static partial void LogPusherFailed(ILogger logger, Exception exception);
}
