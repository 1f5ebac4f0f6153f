using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Callers;

/// <summary>Signs a service's own calls to another service (<c>/internal</c>, <c>/dead-letters</c>, reads by the gateway) as that service.</summary>
public sealed class CallerSigningHandler(IOptionsMonitor<InternalAuthOptions> options, CallerIdentity identity) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.CurrentValue;
        if (settings.HasUsableKey && !request.Headers.Contains(PlatformCaller.Header))
        {
            var caller = new PlatformCaller(identity.Name, CallerRoles.Service, null, DateTimeOffset.UtcNow + settings.TokenLifetime);
            request.Headers.TryAddWithoutValidation(PlatformCaller.Header, CallerToken.Sign(caller, settings.Key!));
        }
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The name this service signs its own calls with (its kebab-case service name).</summary>
public sealed record CallerIdentity(string Name);
