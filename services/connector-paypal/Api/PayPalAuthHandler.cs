using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;

namespace Platform.Connectors.PayPal.Api;

/// <summary>
/// OAuth2 client-credentials tokens per workspace and client id, reused until shortly before they expire (PayPal
/// issues about 9 h and asks clients to cache them). One caller per workspace fetches while the others wait.
/// </summary>
public sealed class PayPalTokenCache(TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    public async Task<string> GetAsync(string key, Func<CancellationToken, Task<PayPalToken>> fetch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        if (Fresh(key) is { } cached)
        {
            return cached;
        }
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(key) is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }
            var issued = await fetch(cancellationToken);
            var lifetime = TimeSpan.FromSeconds(issued.ExpiresIn > 0 ? issued.ExpiresIn : 300);
            // Renew early (a tenth of the lifetime, at most 5 minutes) so a token never expires between check and call.
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, lifetime.Ticks / 10));
            _tokens[key] = (issued.AccessToken, clock.GetUtcNow() + lifetime - margin);
            return issued.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets a token PayPal refused, unless a newer one replaced it already.</summary>
    public void Invalidate(string key, string token)
    {
        if (_tokens.TryGetValue(key, out var cached) && cached.Token == token)
        {
            _tokens.TryRemove(KeyValuePair.Create(key, cached));
        }
    }

    private string? Fresh(string key) => _tokens.TryGetValue(key, out var cached) && clock.GetUtcNow() < cached.RenewAt ? cached.Token : null;

    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }
}

/// <summary>
/// Adds the workspace's bearer token to every PayPal call; on a 401 it drops the token and tries once more with a new one
/// (a token revoked or expired early), then lets the 401 through as the credentials' fault.
/// </summary>
public sealed class PayPalAuthHandler(PayPalTokenCache tokens, IPayPalAuthApi auth, ConnectorCredentials credentials) : DelegatingHandler
{
    private static readonly Dictionary<string, string> ClientCredentials = new() { ["grant_type"] = "client_credentials" };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = request.Options.TryGetValue(SourceRequest.Workspace, out var w) ? w : "_";
        var section = credentials.For(workspace);
        var clientId = section["ClientId"];
        var secret = section["ClientSecret"];
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(secret))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{workspace}' has no PayPal ClientId and ClientSecret (Connectors__PayPal__Workspaces__{workspace}__ClientId, __ClientSecret).");
        }
        var key = workspace + "\n" + clientId;
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(key, ct => FetchAsync(workspace, clientId, secret, ct), cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0)
            {
                return response;
            }
            tokens.Invalidate(key, token);
            response.Dispose();
        }
    }

    private async Task<PayPalToken> FetchAsync(string workspace, string clientId, string secret, CancellationToken cancellationToken)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}"));
        using var response = await auth.TokenAsync(workspace, basic, ClientCredentials, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
        {
            throw new SourceException("credentials_invalid",
                $"PayPal refused the client credentials of workspace '{workspace}' ({(int?)response.StatusCode} on POST /v1/oauth2/token): " +
                "the ClientId or ClientSecret is wrong, or the app was disabled. Set new credentials for this workspace.");
        }
        return response.Content("PayPal", workspace);
    }
}
