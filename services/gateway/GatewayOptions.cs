namespace Platform.Gateway;

/// <summary>The <c>Gateway</c> configuration section.</summary>
internal sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Operator keys, stored only as SHA-256 hashes.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Largest request body accepted on any route except imports.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>Largest request body accepted on <c>/api/imports/**</c> (CSV uploads).</summary>
    public long MaxImportBodyBytes { get; set; } = 2_147_483_648;

    /// <summary>
    /// Clusters whose <c>/health/ready</c> is part of the gateway's readiness. Left null here because the
    /// configuration binder appends to, rather than replaces, a collection that already has items.
    /// </summary>
    public List<string>? ReadyServices { get; set; }

    public static IReadOnlyList<string> DefaultReadyServices { get; } = ["connector-stripe", "identity-resolution"];

    /// <summary>The configured list without blank entries (an environment variable set to "" removes an inherited entry).</summary>
    public IReadOnlyList<string> EffectiveReadyServices =>
        ReadyServices?.Where(s => !string.IsNullOrWhiteSpace(s)).ToList() is { Count: > 0 } configured ? configured : DefaultReadyServices;
}

/// <summary>One operator key: who it belongs to and the lowercase hex SHA-256 of the key itself.</summary>
internal sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    public string Sha256 { get; set; } = "";
}
