using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Authentication;

/// <summary>Says once, at startup, which operator keys exist (by name), or that none do.</summary>
internal sealed class ApiKeyStartupReport(IOptions<GatewayOptions> options, IOptions<InternalAuthOptions> internalAuth, ILogger<ApiKeyStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var keys = options.Value.ApiKeys;
        if (keys.Count == 0)
        {
            logger.LogWarning(
                "No operator API keys are configured (Gateway:ApiKeys): every /api call will be answered 401. " +
                "Add one as Gateway__ApiKeys__0__Name and Gateway__ApiKeys__0__Sha256 (the key's lowercase hex SHA-256).");
        }
        else
        {
            logger.LogInformation("Operator API keys configured: {KeyNames}", string.Join(", ", keys.Select(k => k.Name)));
        }
        if (!internalAuth.Value.HasUsableKey)
        {
            logger.LogWarning(
                "No internal key (Platform:InternalAuth:Key, 32+ characters): the gateway cannot sign the calls it forwards, so every service will answer them 401. " +
                "./platform up writes one into .platform/secrets.env; set the same value on every service.");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
