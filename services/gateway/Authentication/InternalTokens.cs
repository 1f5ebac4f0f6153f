using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Authentication;

/// <summary>Signs the caller tokens the gateway sends to services (<c>Platform:InternalAuth:Key</c>); null without a usable key.</summary>
/// <remarks>The wall clock, not the host's <see cref="TimeProvider"/>: services judge expiry by theirs.</remarks>
internal sealed class InternalTokens(IOptionsMonitor<InternalAuthOptions> options)
{
    public string? Sign(string name, string role, IReadOnlyList<string>? workspaces)
    {
        var settings = options.CurrentValue;
        return settings.HasUsableKey
            ? CallerToken.Sign(new PlatformCaller(name, role, workspaces, DateTimeOffset.UtcNow + settings.TokenLifetime), settings.Key!)
            : null;
    }
}
