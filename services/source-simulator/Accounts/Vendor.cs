namespace Platform.SourceSimulator.Accounts;

/// <summary>The APIs the simulator fakes.</summary>
internal enum Vendor
{
    Stripe,
    Hotmart,
    Ploomes,
    GoHighLevel,
    PayPal,
    /// <summary>The internal lead system (one account per company: Blue, Tokeniza).</summary>
    Sgt,
}

internal static class Vendors
{
    public static bool TryParse(string? value, out Vendor vendor) =>
        Enum.TryParse(value, ignoreCase: true, out vendor) && Enum.IsDefined(vendor) && !int.TryParse(value, out _);

    /// <summary>The lower-case name used in URLs, settings and messages (stripe, hotmart, ploomes, gohighlevel, paypal, sgt).</summary>
    public static string Name(this Vendor vendor) => vendor.ToString().ToLowerInvariant();

    /// <summary>
    /// Whether the credential is two parts joined by a colon: Hotmart and PayPal <c>client_id:client_secret</c>
    /// (known by client_id), GoHighLevel <c>locationId:token</c> (known by the token).
    /// </summary>
    public static bool HasPairedCredential(this Vendor vendor) => vendor is Vendor.Hotmart or Vendor.PayPal or Vendor.GoHighLevel;

    /// <summary>The names every message lists.</summary>
    public const string All = "stripe, hotmart, ploomes, gohighlevel, paypal, sgt";
}
