using Platform.Contracts.Records;
using Platform.IdentityResolution.Domain.Normalisation;

namespace Platform.IdentityResolution.Domain.Resolution;

/// <summary>What a record can do in a partition, from its entity type and usable (not blocked) identifiers.</summary>
internal static class RecordClassifier
{
    /// <summary>
    /// A company record is a company entity, or one identified by a CNPJ and no CPF (a buyer who paid as a
    /// company). A person record is a contact or one with a CPF. Anything else (deals, charges, purchases
    /// without a document) is neutral and joins either.
    /// </summary>
    public static RecordNature Nature(PartitionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var cpf = record.Identifiers.Any(i => !i.Blocked && i.Kind == IdentifierKinds.Cpf);
        var cnpj = record.Identifiers.Any(i => !i.Blocked && i.Kind == IdentifierKinds.Cnpj);
        if (record.EntityType == EntityTypes.Company || (cnpj && !cpf))
        {
            return RecordNature.Company;
        }
        return record.EntityType == EntityTypes.Contact || cpf ? RecordNature.Person : RecordNature.Neutral;
    }

    /// <summary>
    /// Whether the identifier takes part in linking: not blocked, and a CNPJ only on a company record
    /// (a CNPJ identifies a company and never merges people).
    /// </summary>
    public static bool Links(PartitionIdentifier identifier, RecordNature nature) =>
        !identifier.Blocked
        && IdentifierKindRules.IsKnown(identifier.Kind)
        && (identifier.Kind != IdentifierKinds.Cnpj || nature == RecordNature.Company);

    /// <summary>
    /// Whether the record can make a client: not an enrichment, and a usable strong identifier, or a source id
    /// from a source allowed to create clients from source ids alone.
    /// </summary>
    public static bool CanAnchor(PartitionRecord record, RecordNature nature, ResolutionRules rules)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(rules);
        if (record.IsEnrichment)
        {
            return false;
        }
        return record.Identifiers.Any(i => Links(i, nature) && IdentifierKindRules.IsStrong(i.Kind))
            || (rules.SourceIdOnlySources.Contains(record.Source)
                && record.Identifiers.Any(i => Links(i, nature) && IdentifierKindRules.IsSourceId(i.Kind)));
    }

    /// <summary>Status and reason of a record that ended in no client.</summary>
    public static (string Status, string Reason) Unlinked(PartitionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.IsEnrichment)
        {
            return (RecordStatuses.Waiting, UnlinkedReasons.EnrichmentWaiting);
        }
        if (record.Identifiers.Any(i => i.Blocked && IdentifierKindRules.IsStrong(i.Kind)))
        {
            return (RecordStatuses.Skipped, UnlinkedReasons.OnlyBlockedIdentifiers);
        }
        return record.Identifiers.Any(i => !i.Blocked && IdentifierKindRules.IsSourceId(i.Kind))
            ? (RecordStatuses.Skipped, UnlinkedReasons.SourceIdOnly)
            : (RecordStatuses.Skipped, UnlinkedReasons.NoUsableIdentifier);
    }
}
