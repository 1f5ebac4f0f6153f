using Microsoft.Extensions.Configuration;

namespace Platform.Connectors.ManyChat.Outbound;

/// <summary>One classification pushed to ManyChat as a tag.</summary>
/// <param name="When">
/// <c>became_client</c> (any reason) or <c>became_client:paid_purchase</c> (aggregation's CustomerBecameClient), or
/// <c>purchase_status:abandoned</c> (a purchase record linked to the client with that status, e.g. an abandoned
/// Hotmart cart).
/// </param>
/// <param name="Tag">The ManyChat tag name.</param>
public sealed record TagRule(string When, string Tag);

/// <summary>
/// The workspace's rules (<c>Connectors:ManyChat:Workspaces:W:TagRules:0:When</c> / <c>:Tag</c>); without any, the
/// users' announced defaults: <c>Comprador</c> when a client buys, <c>Carrinho Abandonado</c> on an abandoned cart.
/// Only workspaces with a ManyChat token get pushes.
/// </summary>
public static class TagRules
{
    public static readonly IReadOnlyList<TagRule> Defaults =
    [
        new("became_client", "Comprador"),
        new("purchase_status:abandoned", "Carrinho Abandonado"),
    ];

    public static IReadOnlyList<TagRule> For(IConfiguration workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var configured = workspace.GetSection("TagRules").GetChildren()
            .Select(r => new TagRule(r["When"] ?? "", r["Tag"] ?? ""))
            .Where(r => r.When.Length > 0 && r.Tag.Length > 0)
            .ToList();
        return configured.Count > 0 ? configured : Defaults;
    }

    /// <summary>The rules a CustomerBecameClient with <paramref name="reason"/> triggers.</summary>
    public static IEnumerable<TagRule> BecameClient(IReadOnlyList<TagRule> rules, string reason) =>
        rules.Where(r => r.When == "became_client" || string.Equals(r.When, $"became_client:{reason}", StringComparison.OrdinalIgnoreCase));

    /// <summary>The rules a linked purchase with <paramref name="status"/> triggers.</summary>
    public static IEnumerable<TagRule> PurchaseStatus(IReadOnlyList<TagRule> rules, string? status) =>
        status is null ? [] : rules.Where(r => string.Equals(r.When, $"purchase_status:{status}", StringComparison.OrdinalIgnoreCase));
}
