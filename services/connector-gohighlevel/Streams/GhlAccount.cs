using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;

namespace Platform.Connectors.GoHighLevel.Streams;

/// <summary>A workspace's GoHighLevel location: its id, its token and the currency its money is in.</summary>
public sealed record GhlAccount(string LocationId, string Token, string Currency)
{
    /// <summary>Reads <c>LocationId</c>, <c>Token</c> (Private Integration token) and <c>Currency</c> (default BRL).</summary>
    public static GhlAccount From(string workspaceId, IConfigurationSection credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var location = credentials["LocationId"];
        var token = credentials["Token"];
        if (string.IsNullOrWhiteSpace(location) || string.IsNullOrWhiteSpace(token))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{workspaceId}' has no GoHighLevel LocationId and Token (Connectors__GoHighLevel__Workspaces__{workspaceId}__LocationId, __Token).");
        }
        return new GhlAccount(location.Trim(), token.Trim(), CurrencyOf(credentials));
    }

    /// <summary>The location's currency (HighLevel objects carry amounts without one).</summary>
    public static string CurrencyOf(IConfigurationSection credentials) =>
        credentials?["Currency"] is { Length: 3 } currency ? currency.ToUpperInvariant() : "BRL";
}
