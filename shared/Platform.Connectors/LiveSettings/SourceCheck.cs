using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.LiveSettings;

/// <summary>Whether the vendor accepts a workspace's credentials, and if not why, in words a person can act on.</summary>
/// <param name="Ok">The vendor answered.</param>
/// <param name="Problem">Why not ("Ploomes answered 403: the User-Key is wrong or lacks permission on Deals").</param>
public sealed record SourceCheckResult(bool Ok, string? Problem)
{
    public static SourceCheckResult Passed { get; } = new(true, null);

    public static SourceCheckResult Failed(string problem) => new(false, problem);
}

/// <summary>
/// Checks a workspace's credentials against the vendor (<c>POST /api/workspaces/{ws}/sources/{source}/check</c> reaches
/// it through <c>POST /internal/check/{ws}</c>). The SDK's default reads the first page of each stream over the last
/// minute; register a cheaper one with <c>ConnectorBuilder.AddSourceCheck&lt;T&gt;()</c>.
/// </summary>
public interface ISourceCheck
{
    /// <summary>Never throws for a vendor failure: that is the answer.</summary>
    Task<SourceCheckResult> CheckAsync(string workspaceId, IConfigurationSection credentials, CancellationToken cancellationToken);
}

/// <summary>The default check: the first page of each registered stream, incremental over the last minute (small answers).</summary>
public sealed class StreamSourceCheck(IEnumerable<ISourceStreamReader> streams, ConnectorDescriptor connector, TimeProvider clock) : ISourceCheck
{
    public async Task<SourceCheckResult> CheckAsync(string workspaceId, IConfigurationSection credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (!credentials.GetChildren().Any())
        {
            return SourceCheckResult.Failed($"Workspace '{workspaceId}' has no {connector.Source} settings on connector-{connector.Source}: " +
                $"PUT /api/workspaces/{workspaceId}/sources/{connector.Source} first.");
        }
        var context = new StreamReadContext(workspaceId, credentials, SyncMode.Incremental, clock.GetUtcNow().AddMinutes(-1), null);
        foreach (var stream in streams)
        {
            try
            {
                await stream.ReadPageAsync(context, null, cancellationToken);
            }
            catch (SourceException ex)
            {
                return SourceCheckResult.Failed($"Reading {connector.Source} {stream.Name} failed ({ex.ErrorCode}): {ex.Message}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or InvalidOperationException or FormatException
                || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return SourceCheckResult.Failed($"Reading {connector.Source} {stream.Name} failed: {ex.Message}");
            }
        }
        return SourceCheckResult.Passed;
    }
}
