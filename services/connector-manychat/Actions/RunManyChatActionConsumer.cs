using MassTransit;
using Platform.Connectors.Backfill;
using Platform.Connectors.ManyChat.Api;
using Platform.Contracts.Campaigns;

namespace Platform.Connectors.ManyChat.Actions;

/// <summary>Campaign action settings (<c>Connectors:ManyChat:Actions</c>).</summary>
public sealed class ManyChatActionOptions
{
    /// <summary>Calls (each already retried by the HTTP pipeline) before an action ManyChat keeps refusing is failed.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>
    /// How long a call in flight is waited for by a duplicate of its command; a call older than this was cut off (the
    /// process stopped mid-call) and is failed rather than repeated, since ManyChat may have run it.
    /// </summary>
    public TimeSpan CallLease { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>An action still in flight on another consumer: the redelivery answers once that call has ended.</summary>
public sealed class ManyChatActionInFlightException(Guid actionId)
    : Exception($"ManyChat action {actionId} is being called by another delivery; answering after it ends.");

/// <summary>
/// Runs campaigns' <see cref="RunManyChatAction"/>: <c>sendFlow</c> or <c>addTagByName</c> with the workspace's token,
/// under ManyChat's per-endpoint limits (sendFlow 20/s, addTag 10/s). ManyChat is called at most once per action id
/// (the row is claimed and committed before the call) and every command is answered with exactly one outcome: a
/// redelivered command republishes what was recorded. A refusal ManyChat did not act on (429, 5xx after the HTTP
/// retries) gives the action back and throws, so the bus redelivers it, up to <see cref="ManyChatActionOptions.MaxAttempts"/>.
/// </summary>
public sealed class RunManyChatActionConsumer(
    ManyChatActionStore store,
    ManyChatClient manyChat,
    ConnectorCredentials credentials,
    ManyChatActionOptions options,
    TimeProvider clock) : IConsumer<RunManyChatAction>
{
    public async Task Consume(ConsumeContext<RunManyChatAction> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var action = context.Message;
        var cancellationToken = context.CancellationToken;
        await store.RecordAsync(action, clock.GetUtcNow(), cancellationToken);
        if (await store.ClaimAsync(action.ActionId, clock.GetUtcNow(), cancellationToken) is not { } attempts)
        {
            await AnswerAgainAsync(context, cancellationToken);
            return;
        }
        if (Invalid(action) is { } problem)
        {
            await FailAsync(context, problem, cancellationToken);
            return;
        }
        string answer;
        try
        {
            var authorization = ManyChatClient.Token(action.WorkspaceId, credentials.For(action.WorkspaceId));
            answer = action.Kind == ManyChatActionKinds.SendFlow
                ? await manyChat.SendFlowAsync(action.WorkspaceId, authorization, action.SubscriberId, action.FlowNs!, cancellationToken)
                : await manyChat.AddTagAsync(action.WorkspaceId, authorization, action.SubscriberId, action.TagName!, cancellationToken);
        }
        catch (ManyChatErrorException ex)
        {
            await FailAsync(context, $"ManyChat answered {ex.Status}: {ex.Message}", cancellationToken);
            return;
        }
        catch (SourceException ex) when (ex.ErrorCode is "rate_limited" or "source_unavailable" && attempts < options.MaxAttempts)
        {
            // ManyChat refused without acting: give the action back; the bus redelivers the command.
            await store.SaveAsync(action.ActionId, ManyChatActionStore.Pending, null, ex.Message, null, CancellationToken.None);
            throw;
        }
        catch (SourceException ex)
        {
            await FailAsync(context, ex.Message, cancellationToken);
            return;
        }
        var at = clock.GetUtcNow();
        await store.SaveAsync(action.ActionId, ManyChatActionStore.Completed, answer, null, at, CancellationToken.None);
        await context.Publish(new ManyChatActionCompleted
        {
            WorkspaceId = action.WorkspaceId,
            CorrelationId = action.CorrelationId,
            ActionId = action.ActionId,
            CompletedAt = at,
        }, cancellationToken);
    }

    private static string? Invalid(RunManyChatAction action) => action.Kind switch
    {
        _ when string.IsNullOrWhiteSpace(action.SubscriberId) => "the command has no ManyChat subscriber id",
        ManyChatActionKinds.SendFlow when string.IsNullOrWhiteSpace(action.FlowNs) => "send_flow needs the flow's namespace (FlowNs)",
        ManyChatActionKinds.AddTag when string.IsNullOrWhiteSpace(action.TagName) => "add_tag needs a tag name (TagName)",
        ManyChatActionKinds.SendFlow or ManyChatActionKinds.AddTag => null,
        _ => $"unknown kind '{action.Kind}'; expected {ManyChatActionKinds.SendFlow} or {ManyChatActionKinds.AddTag}",
    };

    private async Task FailAsync(ConsumeContext<RunManyChatAction> context, string reason, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        await store.SaveAsync(context.Message.ActionId, ManyChatActionStore.Failed, null, reason, at, CancellationToken.None);
        await PublishFailedAsync(context, reason, at, cancellationToken);
    }

    private static Task PublishFailedAsync(ConsumeContext<RunManyChatAction> context, string reason, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        context.Publish(new ManyChatActionFailed
        {
            WorkspaceId = context.Message.WorkspaceId,
            CorrelationId = context.Message.CorrelationId,
            ActionId = context.Message.ActionId,
            Reason = reason,
            FailedAt = at,
        }, cancellationToken);

    /// <summary>A command seen before: answer from the record, wait for a call in flight, fail one that was cut off.</summary>
    private async Task AnswerAgainAsync(ConsumeContext<RunManyChatAction> context, CancellationToken cancellationToken)
    {
        var action = context.Message;
        var row = await store.GetAsync(action.ActionId, cancellationToken)
            ?? throw new InvalidOperationException($"ManyChat action {action.ActionId} was recorded but cannot be read back.");
        switch (row.Status)
        {
            case ManyChatActionStore.Completed:
                await context.Publish(new ManyChatActionCompleted
                {
                    WorkspaceId = action.WorkspaceId,
                    CorrelationId = action.CorrelationId,
                    ActionId = action.ActionId,
                    CompletedAt = row.FinishedAt ?? clock.GetUtcNow(),
                }, cancellationToken);
                return;
            case ManyChatActionStore.Failed:
                await PublishFailedAsync(context, row.Reason ?? "failed", row.FinishedAt ?? clock.GetUtcNow(), cancellationToken);
                return;
            case ManyChatActionStore.Calling when clock.GetUtcNow() - row.ClaimedAt > options.CallLease:
                await FailAsync(context, "the call to ManyChat was cut off (the connector stopped mid-call); not repeated, since ManyChat may have run it",
                    cancellationToken);
                return;
            default:
                throw new ManyChatActionInFlightException(action.ActionId);
        }
    }
}
