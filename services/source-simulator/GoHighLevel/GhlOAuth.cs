using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Endpoints;

namespace Platform.SourceSimulator.GoHighLevel;

/// <summary>
/// HighLevel's OAuth for Marketplace apps, as far as a connector meets it: one app (client id and secret from
/// <c>Simulator:GoHighLevel:OAuthClientId</c>/<c>OAuthClientSecret</c>), installations on locations (created through
/// <c>POST /_simulator/gohighlevel/installations</c>), each holding exactly one live refresh token. Every
/// <c>refresh_token</c> grant answers a new access token and a NEW refresh token; the one presented stops working at
/// once. Access tokens expire after their lifetime, or after a number of API calls when the installation asks for it
/// (so a test sees tokens expire mid-run without waiting).
/// </summary>
internal sealed class GhlOAuth(IOptions<SimulatorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Installation> _installations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccessToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _retired = new(StringComparer.Ordinal);

    public string ClientId => options.Value.GoHighLevel.OAuthClientId;

    public string ClientSecret => options.Value.GoHighLevel.OAuthClientSecret;

    internal sealed class Installation(string location, TimeSpan lifetime, int? uses)
    {
        public string Location { get; } = location;
        public TimeSpan Lifetime { get; } = lifetime;
        public int? UsesPerAccessToken { get; } = uses;
        public string RefreshToken { get; set; } = "";
        public int Rotations { get; set; }
        public int RefusedRefreshTokens { get; set; }
    }

    private sealed class AccessToken(string location, DateTimeOffset expires, int? uses)
    {
        public string Location { get; } = location;
        public DateTimeOffset Expires { get; } = expires;
        public bool Limited { get; } = uses is not null;
        public int UsesLeft = uses ?? 0;
    }

    /// <summary>Installs the app on <paramref name="location"/> (again: a new refresh token, the old one dead).</summary>
    public Installation Install(string location, TimeSpan? lifetime, int? usesPerAccessToken)
    {
        var installation = new Installation(location, lifetime ?? TimeSpan.FromSeconds(86_399), usesPerAccessToken) { RefreshToken = NewToken("rt") };
        if (_installations.TryGetValue(location, out var previous))
        {
            _retired[previous.RefreshToken] = location;
        }
        _installations[location] = installation;
        return installation;
    }

    public Installation? Find(string location) => _installations.GetValueOrDefault(location);

    /// <summary>The <c>refresh_token</c> grant: a new pair, or why not (HighLevel's error body).</summary>
    public VendorResult Refresh(string? clientId, string? clientSecret, string? grantType, string? refreshToken)
    {
        if (clientId != ClientId || clientSecret != ClientSecret)
        {
            return Error("invalid_client", "Invalid client: client is invalid");
        }
        if (grantType != "refresh_token")
        {
            return Error("unsupported_grant_type", $"Unsupported grant type: grant_type '{grantType}' is not supported here (use refresh_token).");
        }
        var installation = _installations.Values.FirstOrDefault(i => i.RefreshToken == refreshToken);
        if (string.IsNullOrEmpty(refreshToken) || installation is null)
        {
            if (refreshToken is not null && _retired.TryGetValue(refreshToken, out var location) && Find(location) is { } owner)
            {
                lock (owner)
                {
                    owner.RefusedRefreshTokens++;
                }
            }
            return Error("invalid_grant", "Invalid grant: refresh token is invalid");
        }
        string access, rotated;
        lock (installation)
        {
            if (installation.RefreshToken != refreshToken)
            {
                installation.RefusedRefreshTokens++;
                return Error("invalid_grant", "Invalid grant: refresh token is invalid");
            }
            rotated = NewToken("rt");
            _retired[refreshToken] = installation.Location;
            installation.RefreshToken = rotated;
            installation.Rotations++;
            access = NewToken("at");
            _accessTokens[access] = new AccessToken(installation.Location, time.GetUtcNow() + installation.Lifetime, installation.UsesPerAccessToken);
        }
        return VendorResult.Ok(new JsonObject
        {
            ["access_token"] = access,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)installation.Lifetime.TotalSeconds,
            ["refresh_token"] = rotated,
            ["scope"] = "contacts.readonly opportunities.readonly locations/customFields.readonly locations/tags.readonly",
            ["userType"] = "Location",
            ["locationId"] = installation.Location,
            ["companyId"] = "SimCompany0000000001",
            ["userId"] = "SimUser00000000000001",
            ["isBulkInstallation"] = false,
        });
    }

    /// <summary>The location of a live access token; <c>Expired</c> when it was issued but is no longer valid.</summary>
    public (string Location, bool Expired)? Use(string token)
    {
        if (!_accessTokens.TryGetValue(token, out var entry))
        {
            return null;
        }
        if (entry.Expires <= time.GetUtcNow())
        {
            return (entry.Location, true);
        }
        if (entry.Limited && Interlocked.Decrement(ref entry.UsesLeft) < 0)
        {
            return (entry.Location, true);
        }
        return (entry.Location, false);
    }

    private static VendorResult Error(string error, string description) =>
        new(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static string NewToken(string prefix) =>
        prefix + "-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');
}

/// <summary>What <c>POST /_simulator/gohighlevel/installations</c> accepts.</summary>
internal sealed record GhlInstallRequest(string? LocationId, int? AccessTokenLifetimeSeconds, int? AccessTokenUses);
