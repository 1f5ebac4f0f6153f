using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.Http;

/// <summary>How a source's token endpoint wants the client to authenticate (several may be set: Hotmart wants Basic and the query).</summary>
[Flags]
public enum OAuthClientAuthentication
{
    /// <summary><c>Authorization: Basic base64(client_id:client_secret)</c>.</summary>
    BasicHeader = 1,
    /// <summary><c>client_id</c> and <c>client_secret</c> in the token URL's query.</summary>
    Query = 2,
    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body.</summary>
    Body = 4,
}

/// <summary>
/// OAuth 2 settings of one source. A workspace whose credentials hold a refresh token (<see cref="RefreshTokenField"/>)
/// uses the <c>refresh_token</c> grant; otherwise <c>client_credentials</c>.
/// </summary>
public sealed class OAuthOptions
{
    /// <summary>The token endpoint (absolute).</summary>
    public required Uri TokenEndpoint { get; init; }

    /// <summary>The vendor as people know it, for messages.</summary>
    public required string SourceName { get; init; }

    public string ClientIdField { get; init; } = "ClientId";
    public string ClientSecretField { get; init; } = "ClientSecret";
    public string RefreshTokenField { get; init; } = "RefreshToken";

    /// <summary>
    /// Fields of a static bearer token the vendor accepts instead of OAuth (GoHighLevel's Private Integration token):
    /// a workspace that has one is sent <c>Authorization: Bearer {it}</c> and never asks the token endpoint.
    /// </summary>
    public IReadOnlyList<string> BearerTokenFields { get; init; } = [];

    public OAuthClientAuthentication ClientAuthentication { get; init; } = OAuthClientAuthentication.BasicHeader | OAuthClientAuthentication.Body;

    /// <summary>Optional <c>scope</c> sent with the token request.</summary>
    public string? Scope { get; init; }

    /// <summary>Lifetime assumed when the token endpoint does not send <c>expires_in</c>.</summary>
    public TimeSpan DefaultLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Given the workspace, what a person must do when the token endpoint refuses the client (which settings to change).</summary>
    public Func<string, string>? InvalidClientHint { get; init; }

    /// <summary>
    /// Called when the vendor rotates a refresh token: persist it (workspace, field, new value) so the next process
    /// start uses it. Left null, the SDK's <see cref="ISourceSecretWriter"/> persists it where one is registered (every
    /// connector host registers one); without either the rotated token lives in memory only.
    /// </summary>
    public Func<string, string, string, CancellationToken, Task>? RefreshTokenRotated { get; init; }
}

/// <summary>
/// Access tokens per workspace and client id, reused until shortly before they expire; one request per workspace
/// at a time fetches a new one. Also remembers rotated refresh tokens. Register one per source as a singleton: it
/// must outlive the handlers HttpClientFactory recycles.
/// </summary>
public sealed class OAuthTokenCache(TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new();
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    /// <summary>A fresh token for <paramref name="key"/>, or a new one from <paramref name="issue"/> (lifetime included).</summary>
    public async Task<string> GetAsync(string key, Func<CancellationToken, Task<(string AccessToken, TimeSpan Lifetime)>> issue,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
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
            var (token, lifetime) = await issue(cancellationToken);
            // Renew a little early so a token never expires between the check and the call.
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, lifetime.Ticks / 10));
            _tokens[key] = new CachedToken(token, clock.GetUtcNow() + lifetime - margin);
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> (the API answered 401 with it) unless a newer one replaced it already.</summary>
    public void Invalidate(string key, string token)
    {
        if (_tokens.TryGetValue(key, out var cached) && cached.AccessToken == token)
        {
            _tokens.TryRemove(KeyValuePair.Create(key, cached));
        }
    }

    /// <summary>The latest refresh token the vendor issued for <paramref name="key"/>, if it rotated one.</summary>
    public string? RotatedRefreshToken(string key) => _refreshTokens.GetValueOrDefault(key);

    internal void RememberRefreshToken(string key, string refreshToken) => _refreshTokens[key] = refreshToken;

    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    private string? Fresh(string key) =>
        _tokens.TryGetValue(key, out var cached) && clock.GetUtcNow() < cached.RenewAt ? cached.AccessToken : null;

    private sealed record CachedToken(string AccessToken, DateTimeOffset RenewAt);
}

/// <summary>
/// Authenticates every request of a source with an OAuth 2 access token of the request's workspace
/// (<see cref="SourceRequest.Workspace"/>): client credentials or a refresh token read from
/// <see cref="ConnectorCredentials"/>, tokens cached in <see cref="OAuthTokenCache"/>, a 401 renews the token and
/// sends the request once more. Add it before the resilience and rate-limit handlers so the token request is
/// paced and retried like any other call.
/// </summary>
public sealed class OAuthHandler(OAuthTokenCache cache, ConnectorCredentials credentials, OAuthOptions options,
    ISourceSecretWriter? secrets = null) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = SourceRequest.WorkspaceOf(request);
        if (StaticToken(workspace) is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return await base.SendAsync(request, cancellationToken);
        }
        var client = Client(workspace);
        var key = workspace + "\n" + client.Id;
        var token = await cache.GetAsync(key, ct => IssueAsync(workspace, key, client, ct), cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        // Expired or revoked before its time: renew once, never in a loop.
        response.Dispose();
        cache.Invalidate(key, token);
        token = await cache.GetAsync(key, ct => IssueAsync(workspace, key, client, ct), cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }

    private sealed record ClientCredentials(string Id, string Secret, string? RefreshToken);

    private string? StaticToken(string workspace)
    {
        if (options.BearerTokenFields.Count == 0)
        {
            return null;
        }
        var section = credentials.For(workspace);
        return options.BearerTokenFields.Select(f => section[f]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
    }

    private ClientCredentials Client(string workspace)
    {
        var section = credentials.For(workspace);
        var id = section[options.ClientIdField];
        var secret = section[options.ClientSecretField];
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(secret))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{workspace}' has no {options.SourceName} API credentials: set Connectors:{credentials.Source}:Workspaces:{workspace}:{options.ClientIdField} " +
                $"and :{options.ClientSecretField} and run the sync again.");
        }
        var refresh = section[options.RefreshTokenField];
        return new ClientCredentials(id, secret, string.IsNullOrWhiteSpace(refresh) ? null : refresh);
    }

    private async Task<(string, TimeSpan)> IssueAsync(string workspace, string key, ClientCredentials client, CancellationToken cancellationToken)
    {
        var refreshToken = cache.RotatedRefreshToken(key) ?? client.RefreshToken;
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", refreshToken is null ? "client_credentials" : "refresh_token"),
        };
        if (refreshToken is not null)
        {
            form.Add(new("refresh_token", refreshToken));
        }
        if (options.Scope is not null)
        {
            form.Add(new("scope", options.Scope));
        }
        var auth = options.ClientAuthentication;
        var clientFields = new List<KeyValuePair<string, string>> { new("client_id", client.Id), new("client_secret", client.Secret) };
        var uri = options.TokenEndpoint;
        if (auth.HasFlag(OAuthClientAuthentication.Query))
        {
            var query = string.Join('&', form.Concat(clientFields).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
            uri = new UriBuilder(uri) { Query = query }.Uri;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, uri).ForWorkspace(workspace);
        if (auth.HasFlag(OAuthClientAuthentication.BasicHeader))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.Id}:{client.Secret}")));
        }
        request.Content = new FormUrlEncodedContent(auth.HasFlag(OAuthClientAuthentication.Body) ? form.Concat(clientFields)
            : auth.HasFlag(OAuthClientAuthentication.Query) ? [] : form);
        using var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var where = $"the token endpoint {uri.Host}{uri.AbsolutePath}";
        if (refreshToken is not null && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized
            && body.Contains("invalid_grant", StringComparison.Ordinal))
        {
            // The refresh token was used already (rotated elsewhere and not stored) or the app was uninstalled: only a new consent helps.
            throw new SourceException("credentials_invalid",
                $"{options.SourceName} refused the refresh token of workspace '{workspace}' ({(int)response.StatusCode} invalid_grant on {where}): " +
                $"it was already used or the app was uninstalled. Connect the workspace again to get a new refresh token. {Cut(body)}".TrimEnd());
        }
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            throw new SourceException("credentials_invalid",
                $"{options.SourceName} refused the client id and secret of workspace '{workspace}' ({(int)response.StatusCode} on {where}). " +
                $"{options.InvalidClientHint?.Invoke(workspace) ?? "Set new credentials for this workspace and run the sync again."} {Cut(body)}".TrimEnd());
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new SourceApiErrors(options.SourceName).ForStatus(response.StatusCode, workspace, $"POST {uri.AbsolutePath}", body);
        }
        string? accessToken = null, rotated = null;
        long expiresIn = 0;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            accessToken = Json.JsonFields.Str(root, "access_token");
            rotated = Json.JsonFields.Str(root, "refresh_token");
            expiresIn = Json.JsonFields.Long(root, "expires_in") ?? 0;
        }
        catch (JsonException)
        {
            // Reported below as a missing access token.
        }
        if (string.IsNullOrEmpty(accessToken))
        {
            throw new SourceException("bad_response", $"{options.SourceName}'s token endpoint answered {(int)response.StatusCode} without an access_token.");
        }
        if (refreshToken is not null && rotated is not null && rotated != refreshToken)
        {
            cache.RememberRefreshToken(key, rotated);
            if (options.RefreshTokenRotated is { } persist)
            {
                await persist(workspace, options.RefreshTokenField, rotated, cancellationToken);
            }
            else if (secrets is not null)
            {
                // The old refresh token is dead at the vendor now: keep the new one where every replica and the next start read it.
                await secrets.WriteAsync(workspace, options.RefreshTokenField, rotated, cancellationToken);
            }
        }
        return (accessToken, expiresIn > 0 ? TimeSpan.FromSeconds(expiresIn) : options.DefaultLifetime);
    }

    private static string Cut(string body) => body.Length > 200 ? body[..200] : body;
}
