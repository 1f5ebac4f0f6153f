using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Domain.Sgt;

namespace Platform.SourceSimulator.Accounts;

internal enum AccountOutcome
{
    Created,
    Existing,
    Invalid,
    Conflict,
}

/// <summary>The accounts known to the simulator: the configured ones plus those created through the admin API.</summary>
internal sealed class AccountRegistry
{
    /// <summary>Largest dataset per stream (person keys and generated ids are sized for it).</summary>
    public const int MaxSize = 1_000_000;

    private readonly ConcurrentDictionary<(Vendor, string), Account> _accounts = new();
    private readonly SimulatorOptions _options;

    public AccountRegistry(IOptions<SimulatorOptions> options, TimeProvider time)
    {
        _options = options.Value;
        Anchor = _options.Anchor ?? new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        foreach (var settings in _options.Accounts)
        {
            var (_, error, _) = CreateOrGet(settings);
            if (error is not null)
            {
                throw new InvalidOperationException($"Simulator:Accounts has an invalid account: {error}");
            }
        }
    }

    /// <summary>The end of every generated history (see <see cref="SimulatorOptions.Anchor"/>).</summary>
    public DateTimeOffset Anchor { get; }

    public IEnumerable<Account> All => _accounts.Values.OrderBy(a => a.Source).ThenBy(a => a.Credential, StringComparer.Ordinal);

    public Account? Find(Vendor source, string? key) =>
        key is not null && _accounts.TryGetValue((source, key), out var account) ? account : null;

    /// <summary>
    /// Adds an account. The same credential again with the same seed and size is the same account (created: false);
    /// with other settings it is a conflict.
    /// </summary>
    public (Account? Account, string? Error, AccountOutcome Outcome) CreateOrGet(AccountSettings settings)
    {
        if (!Vendors.TryParse(settings.Source, out var source))
        {
            return (null, $"source '{settings.Source}' is not one of {Vendors.All}.", AccountOutcome.Invalid);
        }
        if (string.IsNullOrWhiteSpace(settings.Credential))
        {
            return (null, "credential is required.", AccountOutcome.Invalid);
        }
        if (source.HasPairedCredential() && (settings.Credential.IndexOf(':', StringComparison.Ordinal) is var colon && (colon <= 0 || colon == settings.Credential.Length - 1)))
        {
            return (null, source == Vendor.GoHighLevel
                ? "a GoHighLevel credential is 'locationId:token'."
                : $"a {source.Name()} credential is 'client_id:client_secret'.", AccountOutcome.Invalid);
        }
        string? company = null;
        if (source == Vendor.Sgt)
        {
            company = settings.Company?.Trim().ToLowerInvariant();
            if (company is null || !SgtData.Companies.Contains(company))
            {
                return (null, $"an SGT account needs company: one of {string.Join(", ", SgtData.Companies)}.", AccountOutcome.Invalid);
            }
        }
        if (settings.Size is < 1 or > MaxSize)
        {
            return (null, $"size must be between 1 and {MaxSize:N0} records per stream.", AccountOutcome.Invalid);
        }
        if (settings.RatePermits is < 0)
        {
            return (null, "ratePermits must be 0 (off) or more.", AccountOutcome.Invalid);
        }
        if (settings.RatePeriod is { } period && period <= TimeSpan.Zero)
        {
            return (null, "ratePeriod must be positive.", AccountOutcome.Invalid);
        }
        RateLimitSettings? rateLimit = settings.RatePermits is { } permits
            ? new RateLimitSettings { Permits = permits, Period = settings.RatePeriod ?? _options.RateLimitFor(source).Period }
            : null;
        var candidate = new Account(source, settings.Credential.Trim(), settings.Seed, settings.Size, rateLimit, Anchor, _options.HistoryDays, company);
        var stored = _accounts.GetOrAdd((source, candidate.Key), candidate);
        if (ReferenceEquals(stored, candidate))
        {
            return (stored, null, AccountOutcome.Created);
        }
        if (stored.Credential == candidate.Credential && stored.Seed == candidate.Seed && stored.Size == candidate.Size
            && stored.Company == candidate.Company)
        {
            return (stored, null, AccountOutcome.Existing);
        }
        return (null, $"a {source.Name()} account with this credential already exists with seed {stored.Seed} and size {stored.Size}; use another credential.", AccountOutcome.Conflict);
    }
}
