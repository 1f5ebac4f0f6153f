namespace Platform.IdentityResolution.Domain;

/// <summary>The kinds of client.</summary>
internal static class ClientKinds
{
    public const string Person = "person";
    public const string Company = "company";
}

/// <summary>The life of a client row: active, merged into another (a tombstone kept so its id still resolves), or dissolved.</summary>
internal static class ClientStatuses
{
    public const string Active = "active";
    public const string Merged = "merged";

    /// <summary>Every record left the client and none of them is in a client any more (e.g. their only identifier got blocked).</summary>
    public const string Dissolved = "dissolved";
}
