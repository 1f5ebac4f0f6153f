using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>A staged record in a batch, normalised before the workspace lock is taken.</summary>
internal sealed record StagedItem(
    int Index,
    RawRecordStaged Message,
    string EntityType,
    NormalisedIdentifiers Identifiers,
    RecordFields Fields)
{
    public (string Source, string EntityType, string ExternalId) Key => (Message.Source, EntityType, Message.Record.ExternalId);

    /// <summary>This version of the record, ordered by the platform's one rule (aggregation orders by it too).</summary>
    public RecordVersion Version => RecordVersion.Of(Message.Record, Message.RawRecordId);

    public static StagedItem From(int index, RawRecordStaged message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.WorkspaceId) || string.IsNullOrWhiteSpace(message.Source)
            || message.Record is null || string.IsNullOrWhiteSpace(message.Record.ExternalId))
        {
            throw new ArgumentException(
                $"RawRecordStaged {message.Source}/{message.RawRecordId} lacks a workspace, source, record or external id; it cannot be resolved.",
                nameof(message));
        }
        return new StagedItem(
            index,
            message,
            RecordNames.EntityTypeName(message.Record.EntityType),
            IdentifierNormaliser.Normalise(message.Record.Identifiers ?? []),
            RecordFields.From(message.Record));
    }
}
