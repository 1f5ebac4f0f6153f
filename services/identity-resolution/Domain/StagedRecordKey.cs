namespace Platform.IdentityResolution.Domain;

/// <summary>The business key of a staged record: a message with the same key is the same record.</summary>
internal readonly record struct StagedRecordKey(string WorkspaceId, string Source, long RawRecordId);
