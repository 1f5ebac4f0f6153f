using MassTransit;
using Platform.Contracts.Connectors;
using Platform.Contracts.IdentityResolution;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Consumers;

/// <summary>
/// Links every staged record to a client and announces it. Failures are not caught: the platform
/// retry policy retries them (a unique-key race resolves on the retry) and then parks the message
/// in the <c>_error</c> queue.
/// </summary>
internal sealed class RawRecordStagedConsumer(RecordLinker linker) : IConsumer<RawRecordStaged>
{
    public async Task Consume(ConsumeContext<RawRecordStaged> context)
    {
        var message = context.Message;
        var outcome = await linker.LinkAsync(message, context.CancellationToken);
        if (outcome is not LinkOutcome.Linked { Client: var client })
        {
            return;
        }

        // Published after the commit, and again on every replay (with the client as it is now), so an
        // event lost between the commit and the publish is recovered by replaying the record.
        await context.Publish(new RecordLinked
        {
            WorkspaceId = message.WorkspaceId,
            CorrelationId = message.CorrelationId,
            ClientId = client.Id,
            ClientVersion = client.Version,
            RawRecordId = message.RawRecordId,
            Record = message.Record,
        }, context.CancellationToken);
        await context.Publish(new ClientUpdated
        {
            WorkspaceId = client.WorkspaceId,
            CorrelationId = message.CorrelationId,
            ClientId = client.Id,
            Version = client.Version,
            Kind = client.Kind,
            DisplayName = client.DisplayName,
            PrimaryEmail = client.PrimaryEmail,
            PrimaryPhone = client.PrimaryPhone,
            Identifiers = client.Identifiers,
            RecordCount = client.RecordCount,
            UpdatedAt = client.UpdatedAt,
        }, context.CancellationToken);
    }
}
