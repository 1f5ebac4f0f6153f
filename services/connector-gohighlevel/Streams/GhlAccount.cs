using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.GoHighLevel.Streams;

/// <summary>A workspace's GoHighLevel location and the currency its money is in. The token is put on each request by the OAuth handler.</summary>
public sealed record GhlAccount(string LocationId, string Currency)
{
    /// <summary>Configuration keys of a Private Integration token: the source spec's, and the first releases' <c>Token</c>.</summary>
    public static readonly IReadOnlyList<string> PrivateTokenFields = ["PrivateIntegrationToken", "Token"];

    /// <summary>The settings of a Marketplace app installation (OAuth with a rotating refresh token).</summary>
    public static readonly IReadOnlyList<string> OAuthFields = ["ClientId", "ClientSecret", "RefreshToken"];

    /// <summary>
    /// Reads the location (<c>LocationId</c>, or the first of the spec's <c>LocationIds</c>) and <c>Currency</c> (default
    /// BRL), and checks that the workspace can authenticate: a Private Integration token, or an OAuth app's
    /// <c>ClientId</c> and <c>ClientSecret</c> with the installation's <c>RefreshToken</c>.
    /// </summary>
    public static GhlAccount From(string workspaceId, IConfigurationSection credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var location = LocationOf(credentials);
        var hasToken = PrivateTokenFields.Any(f => !string.IsNullOrWhiteSpace(credentials[f]));
        var hasOAuth = OAuthFields.All(f => !string.IsNullOrWhiteSpace(credentials[f]));
        if (location is null || (!hasToken && !hasOAuth))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{workspaceId}' has no GoHighLevel location or no way to authenticate: set LocationIds and either " +
                "PrivateIntegrationToken or ClientId, ClientSecret and RefreshToken (Connectors__GoHighLevel__Workspaces__" +
                $"{workspaceId}__…), then run the sync again.");
        }
        return new GhlAccount(location, CurrencyOf(credentials));
    }

    /// <summary>The location a sync reads: <c>LocationId</c>, else the first of <c>LocationIds</c> (a list or comma-separated).</summary>
    public static string? LocationOf(IConfigurationSection credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials["LocationId"] is { } single && !string.IsNullOrWhiteSpace(single))
        {
            return single.Trim();
        }
        var list = credentials.GetSection("LocationIds");
        return (list.Value ?? "").Split([',', ';', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(list.GetChildren().Select(c => c.Value?.Trim() ?? ""))
            .FirstOrDefault(v => v.Length > 0);
    }

    /// <summary>The location's currency (HighLevel objects carry amounts without one).</summary>
    public static string CurrencyOf(IConfigurationSection credentials) =>
        credentials?["Currency"] is { Length: 3 } currency ? currency.ToUpperInvariant() : "BRL";
}
