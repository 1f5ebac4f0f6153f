namespace Platform.IdentityResolution.Persistence.Entities;

/// <summary>One normalised identifier of a record's current version: the edges components are found by.</summary>
internal sealed class RecordIdentifier
{
    public long RecordId { get; set; }
    public long ValueId { get; set; }
}
