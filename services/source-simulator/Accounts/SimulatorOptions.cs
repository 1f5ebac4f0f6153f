namespace Platform.SourceSimulator.Accounts;

/// <summary>The <c>Simulator</c> configuration section.</summary>
internal sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Accounts that exist from the start (one demo account per source by default).</summary>
    public List<AccountSettings> Accounts { get; set; } = [];

    /// <summary>Per source (<c>Stripe</c>, <c>Hotmart</c>, <c>Ploomes</c>): requests allowed per period and credential.</summary>
    public Dictionary<string, RateLimitSettings> RateLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How far back generated records go.</summary>
    public int HistoryDays { get; set; } = 730;

    /// <summary>
    /// The end of the generated history. Default: 00:00 UTC of the day the simulator started, so every account created
    /// that day with the same seed has the same data, and the last 30 days of events are really recent.
    /// </summary>
    public DateTimeOffset? Anchor { get; set; }

    /// <summary>Lifetime of Hotmart access tokens (the real API says 86400 s).</summary>
    public TimeSpan HotmartTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Generate the configured accounts' datasets at start, in the background.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>GoHighLevel: the webhook signing key and the daily request limit.</summary>
    public GoHighLevelSettings GoHighLevel { get; set; } = new();

    /// <summary>Lifetime of PayPal access tokens (PayPal issues about 9 h).</summary>
    public TimeSpan PayPalTokenLifetime { get; set; } = TimeSpan.FromHours(9);

    /// <summary>
    /// PAYPAL-CERT-URL of PayPal deliveries: empty for PayPal's own host; the simulator's
    /// <c>http://host:port/v1/notifications/certs/CERT-simulator</c> for connectors that verify offline (they must list
    /// that host in <c>Connectors:PayPal:Webhooks:CertificateHosts</c>).
    /// </summary>
    public string? PayPalCertUrl { get; set; }

    /// <summary>Timeout of one webhook delivery.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The vendor's limits when configuration says nothing (Hotmart's per-second figure is an assumption: the documented one is 500/min).</summary>
    public RateLimitSettings RateLimitFor(Vendor source) =>
        RateLimits.TryGetValue(source.ToString(), out var configured)
            ? configured
            : source switch
            {
                Vendor.Stripe => new RateLimitSettings { Permits = 25, Period = TimeSpan.FromSeconds(1) },
                Vendor.Hotmart => new RateLimitSettings { Permits = 10, Period = TimeSpan.FromSeconds(1) },
                // GoHighLevel: 100 requests per 10 s per location (burst), 200,000 a day (see GhlLimits).
                Vendor.GoHighLevel => new RateLimitSettings { Permits = 100, Period = TimeSpan.FromSeconds(10) },
                // PayPal publishes no figure; 50/s keeps 429s possible without getting in the way.
                Vendor.PayPal => new RateLimitSettings { Permits = 50, Period = TimeSpan.FromSeconds(1) },
                Vendor.Sgt => new RateLimitSettings { Permits = 10, Period = TimeSpan.FromSeconds(1) },
                _ => new RateLimitSettings { Permits = 120, Period = TimeSpan.FromMinutes(1) },
            };
}

/// <summary>One account: a credential and the dataset it sees.</summary>
internal sealed class AccountSettings
{
    public string Source { get; set; } = "";

    /// <summary>Stripe secret key, Hotmart <c>client_id:client_secret</c>, Ploomes User-Key, or SGT bearer token.</summary>
    public string Credential { get; set; } = "";

    public int Seed { get; set; } = 42;

    /// <summary>Records per stream.</summary>
    public int Size { get; set; } = 500;

    /// <summary>Overrides the source's rate limit for this credential (0 turns it off).</summary>
    public int? RatePermits { get; set; }

    public TimeSpan? RatePeriod { get; set; }

    /// <summary>SGT only: the company whose leads the token reads (<c>blue</c> or <c>tokeniza</c>).</summary>
    public string? Company { get; set; }
}

internal sealed class GoHighLevelSettings
{
    /// <summary>
    /// The RSA private key the simulator signs webhook deliveries with, base64 PKCS#8 DER (one line, fits an environment
    /// variable); its public key (base64 SPKI DER, as HighLevel publishes its own) goes to the connector. Empty: a key
    /// pair is generated at start and its public key served at <c>GET /_simulator/gohighlevel/public-key</c>.
    /// </summary>
    public string? WebhookPrivateKey { get; set; }

    /// <summary>Requests allowed per day and location (HighLevel: 200,000).</summary>
    public int DailyLimit { get; set; } = 200_000;

    /// <summary>The Marketplace app's OAuth client id (installations are created through the admin API).</summary>
    public string OAuthClientId { get; set; } = "sim-ghl-app";

    /// <summary>The Marketplace app's OAuth client secret.</summary>
    public string OAuthClientSecret { get; set; } = "sim-ghl-app-secret";
}

internal sealed class RateLimitSettings
{
    /// <summary>Requests allowed per <see cref="Period"/>; 0 turns the limit off.</summary>
    public int Permits { get; set; }

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}
