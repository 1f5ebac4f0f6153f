using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Authentication;

/// <summary>Signs the caller tokens the gateway sends to services (<c>Platform:InternalAuth:Key</c>); null without a usable key.</summary>
internal sealed class InternalTokens(IOptionsMonitor<InternalAuthOptions> options, TimeProvider clock)
{
    public string? Sign(string name, string role, IReadOnlyList<string>? workspaces)
    {
        var settings = options.CurrentValue;
        return settings.HasUsableKey
            ? CallerToken.Sign(new PlatformCaller(name, role, workspaces, clock.GetUtcNow() + settings.TokenLifetime), settings.Key!)
            : null;
    }
}
