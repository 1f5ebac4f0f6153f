using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.SourceSimulator.Accounts;

namespace Platform.SourceSimulator.Hosting;

/// <summary>
/// Resolves the accounts at start (a bad <c>Simulator:Accounts</c> entry stops the host with the reason) and, unless
/// <c>Simulator:WarmUp</c> is false, generates the configured datasets in the background so the first sync is not the
/// one that waits.
/// </summary>
internal sealed partial class AccountWarmup(AccountRegistry accounts, IOptions<SimulatorOptions> options, ILogger<AccountWarmup> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var configured = accounts.All.ToList();
        foreach (var account in configured)
        {
            LogServing(logger, account.Source.Name(), account.Source.HasPairedCredential() ? (account.Location ?? account.Key) + ":…" : account.Credential, account.Seed, account.Size);
        }
        if (!options.Value.WarmUp)
        {
            return Task.CompletedTask;
        }
        return Task.Run(() =>
        {
            foreach (var account in configured.TakeWhile(_ => !stoppingToken.IsCancellationRequested))
            {
                var started = Stopwatch.GetTimestamp();
                account.Warm();
                LogGenerated(logger, account.Source.Name(), account.Size, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving a {Source} account: credential {Credential}, seed {Seed}, {Size} records per stream")]
    private static partial void LogServing(ILogger logger, string source, string credential, int seed, int size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated the {Source} dataset ({Size} records per stream) in {ElapsedMs:0} ms")]
    private static partial void LogGenerated(ILogger logger, string source, int size, double elapsedMs);
}
