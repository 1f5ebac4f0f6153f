namespace Platform.ServiceDefaults.Callers;

/// <summary>The <c>Platform:InternalAuth</c> settings: the key the gateway and the services share.</summary>
public sealed class InternalAuthOptions
{
    public const string Section = "Platform:InternalAuth";

    /// <summary>
    /// The HMAC key (at least 32 characters; <c>./platform up</c> generates one into <c>.platform/secrets.env</c>).
    /// Without it a service refuses every protected call: nobody can prove they came through the gateway.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>How long a token the gateway or a service signs stays valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether this host checks tokens on <c>/api</c>, <c>/internal</c> and <c>/dead-letters</c>. Only the gateway, which
    /// authenticates operators itself, turns it off.
    /// </summary>
    public bool VerifyIncoming { get; set; } = true;

    public const int MinimumKeyLength = 32;

    public bool HasUsableKey => Key is { Length: >= MinimumKeyLength };
}
