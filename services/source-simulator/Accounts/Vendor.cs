namespace Platform.SourceSimulator.Accounts;

/// <summary>The APIs the simulator fakes.</summary>
internal enum Vendor
{
    Stripe,
    Hotmart,
    Ploomes,
    /// <summary>The internal lead system (one account per company: Blue, Tokeniza).</summary>
    Sgt,
}

internal static class Vendors
{
    public static bool TryParse(string? value, out Vendor vendor) =>
        Enum.TryParse(value, ignoreCase: true, out vendor) && Enum.IsDefined(vendor) && !int.TryParse(value, out _);

    /// <summary>The lower-case name used in URLs, settings and messages (stripe, hotmart, ploomes, sgt).</summary>
    public static string Name(this Vendor vendor) => vendor.ToString().ToLowerInvariant();
}
