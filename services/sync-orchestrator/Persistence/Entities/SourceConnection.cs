namespace Platform.SyncOrchestrator.Persistence.Entities;

/// <summary>
/// One source connected for a workspace: its plain settings (by the spec's field names) and its secrets, a JSON
/// object protected with ASP.NET Core Data Protection (the key ring is in this schema, so every replica decrypts).
/// </summary>
internal sealed class SourceConnection
{
    public string WorkspaceId { get; set; } = "";
    public string Source { get; set; } = "";

    /// <summary>Fields that are not secret, as JSON (<c>{"baseAddress":"…"}</c>).</summary>
    public string Settings { get; set; } = "{}";

    /// <summary>Secret fields as a protected JSON object; never leaves the service except to its connector.</summary>
    public string ProtectedSecrets { get; set; } = "";

    /// <summary>Names of the secret fields that are set (what a GET may say about them).</summary>
    public string[] SecretsSet { get; set; } = [];

    /// <summary><c>api</c> or <c>environment</c> (seeded at startup).</summary>
    public string Origin { get; set; } = "api";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
