namespace Platform.Connectors.Hotmart.Domain;

/// <summary>Hotmart settings beside the workspaces' credentials (<c>Connectors:Hotmart</c>).</summary>
public sealed class HotmartOptions
{
    public const string Section = "Connectors:Hotmart";

    /// <summary>Where OAuth tokens come from (<c>security/oauth/token</c> under it).</summary>
    public Uri AuthAddress { get; set; } = new("https://api-sec-vlc.hotmart.com/");

    /// <summary>
    /// Postbacks whose <c>creation_date</c> is older than this are refused: Hotmart signs no timestamp, so this is
    /// the only guard against an old delivery being replayed.
    /// </summary>
    public int MaxEventAgeDays { get; set; } = 30;

    /// <summary>
    /// Length of the first sales-history query window; long periods are read window by window. The window doubles
    /// while windows come back empty (up to <see cref="MaxWindowDays"/>) and halves (down to one day) when Hotmart
    /// rejects a range (broad ranges time out there).
    /// </summary>
    public int WindowDays { get; set; } = 30;

    /// <summary>Largest sales-history window, however long the history stays empty.</summary>
    public int MaxWindowDays { get; set; } = 730;

    /// <summary>
    /// Incremental syncs re-read at least this many days of orders: Hotmart filters by order date, so refunds,
    /// chargebacks and boleto approvals of older orders are seen only when their order is read again.
    /// </summary>
    public int TrailingWindowDays { get; set; } = 45;

    /// <summary>The adaptive window these settings describe.</summary>
    public Platform.Connectors.Backfill.DateWindowOptions Windows() => new()
    {
        Initial = TimeSpan.FromDays(Math.Max(1, WindowDays)),
        Min = TimeSpan.FromDays(1),
        Max = TimeSpan.FromDays(Math.Max(Math.Max(1, WindowDays), MaxWindowDays)),
    };

    /// <summary>Where a full sync starts when no date range is given; set it to the account's first sale to save calls.</summary>
    public DateTimeOffset EarliestDate { get; set; } = new(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary><c>max_results</c> of each sales-history page.</summary>
    public int PageSize { get; set; } = 50;
}
