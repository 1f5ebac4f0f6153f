using MassTransit;
using Platform.Campaigns.Persistence;
using Platform.Contracts.Campaigns;

namespace Platform.Campaigns.Consumers;

/// <summary>ManyChat accepted the flow or tag: the recipient is delivered.</summary>
internal sealed class ManyChatActionCompletedConsumer(DeliveryStore store) : IConsumer<ManyChatActionCompleted>
{
    public Task Consume(ConsumeContext<ManyChatActionCompleted> context) =>
        store.ManyChatAnsweredAsync(context.Message.ActionId, null, context.CancellationToken);
}

/// <summary>ManyChat refused it for good: the recipient fails with the connector's reason.</summary>
internal sealed class ManyChatActionFailedConsumer(DeliveryStore store) : IConsumer<ManyChatActionFailed>
{
    public Task Consume(ConsumeContext<ManyChatActionFailed> context) =>
        store.ManyChatAnsweredAsync(context.Message.ActionId, "ManyChat: " + context.Message.Reason, context.CancellationToken);
}
