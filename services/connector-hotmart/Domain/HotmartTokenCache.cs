using System.Collections.Concurrent;

namespace Platform.Connectors.Hotmart.Domain;

/// <summary>
/// OAuth access tokens per workspace and client id, reused until shortly before they expire (Hotmart issues 24 h
/// tokens and asks clients not to fetch one per call). One request per workspace at a time fetches a new token.
/// </summary>
public sealed class HotmartTokenCache(TimeProvider clock) : IDisposable
{
    /// <summary>Used when the token endpoint does not say how long a token lives.</summary>
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    /// <summary>A token that is still fresh, or a new one from <paramref name="request"/>.</summary>
    public async Task<string> GetAsync(HotmartAccount account,
        Func<HotmartAccount, CancellationToken, Task<HotmartToken>> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);
        var key = Key(account);
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
            var issued = await request(account, cancellationToken);
            var lifetime = issued.ExpiresIn > 0 ? TimeSpan.FromSeconds(issued.ExpiresIn) : DefaultLifetime;
            // Renew a little early so a token never expires between the check and the call.
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, lifetime.Ticks / 10));
            _tokens[key] = new CachedToken(issued.AccessToken, clock.GetUtcNow() + lifetime - margin);
            return issued.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> (Hotmart answered 401 with it) unless a newer one replaced it already.</summary>
    public void Invalidate(HotmartAccount account, string token)
    {
        ArgumentNullException.ThrowIfNull(account);
        var key = Key(account);
        if (_tokens.TryGetValue(key, out var cached) && cached.AccessToken == token)
        {
            _tokens.TryRemove(KeyValuePair.Create(key, cached));
        }
    }

    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    private string? Fresh(string key) =>
        _tokens.TryGetValue(key, out var cached) && clock.GetUtcNow() < cached.RenewAt ? cached.AccessToken : null;

    private static string Key(HotmartAccount account) => account.WorkspaceId + "\n" + account.ClientId;

    private sealed record CachedToken(string AccessToken, DateTimeOffset RenewAt);
}
