using Platform.SourceSimulator.Domain.Hotmart;
using Platform.SourceSimulator.Domain.Ploomes;
using Platform.SourceSimulator.Domain.Sgt;
using Platform.SourceSimulator.Domain.Stripe;
using Platform.SourceSimulator.GoHighLevel;
using Platform.SourceSimulator.PayPal;

namespace Platform.SourceSimulator.Accounts;

/// <summary>
/// One credential of one source and its dataset. The dataset is generated on first use and then kept (objects, not
/// JSON: pages are rendered on request), so 10,000 records per stream cost a second and some tens of MB.
/// </summary>
internal sealed class Account
{
    private readonly Lazy<object> _data;

    public Account(Vendor source, string credential, int seed, int size, RateLimitSettings? rateLimit, DateTimeOffset anchor, int historyDays,
        string? company = null)
    {
        Company = company;
        Source = source;
        Credential = credential;
        Seed = seed;
        Size = size;
        RateLimit = rateLimit;
        if (source == Vendor.GoHighLevel)
        {
            var colon = credential.IndexOf(':', StringComparison.Ordinal);
            Location = credential[..colon];
            Key = credential[(colon + 1)..];
        }
        else if (source.HasPairedCredential())
        {
            var colon = credential.IndexOf(':', StringComparison.Ordinal);
            Key = credential[..colon];
            Secret = credential[(colon + 1)..];
        }
        else
        {
            Key = credential;
        }
        _data = new Lazy<object>(() => source switch
        {
            Vendor.Stripe => new StripeData(seed, size, anchor, historyDays),
            Vendor.Hotmart => new HotmartData(seed, size, anchor, historyDays),
            Vendor.GoHighLevel => new GhlData(seed, size, Location!, anchor, historyDays),
            Vendor.PayPal => new PayPalData(seed, size, anchor, historyDays),
            Vendor.Sgt => new SgtData(seed, size, company!, anchor, historyDays),
            _ => new PloomesData(seed, size, anchor, historyDays),
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Vendor Source { get; }

    /// <summary>As configured: Hotmart's and PayPal's are <c>client_id:client_secret</c>, GoHighLevel's <c>locationId:token</c>.</summary>
    public string Credential { get; }

    /// <summary>What identifies the account in requests: the Stripe key, the Hotmart client_id, the Ploomes User-Key, the SGT bearer token.</summary>
    public string Key { get; }

    /// <summary>The Hotmart or PayPal client secret.</summary>
    public string? Secret { get; }

    /// <summary>The GoHighLevel location (sub-account) the token belongs to.</summary>
    public string? Location { get; }

    public int Seed { get; }

    public int Size { get; }

    /// <summary>This credential's own rate limit, overriding the source's.</summary>
    public RateLimitSettings? RateLimit { get; }

    public StripeData Stripe => (StripeData)_data.Value;

    public HotmartData Hotmart => (HotmartData)_data.Value;

    public PloomesData Ploomes => (PloomesData)_data.Value;

    public GhlData GoHighLevel => (GhlData)_data.Value;

    public PayPalData PayPal => (PayPalData)_data.Value;
    public SgtData Sgt => (SgtData)_data.Value;

    /// <summary>The SGT company (<c>blue</c>, <c>tokeniza</c>) whose leads the token reads; null for other sources.</summary>
    public string? Company { get; }

    /// <summary>Builds the dataset now (benchmarks call this so the first request is not the slow one).</summary>
    public void Warm() => _ = _data.Value;
}
