using System.Net.Http.Json;
using System.Text.Json;
using Platform.SyncOrchestrator.Domain.Sources;

namespace Platform.SyncOrchestrator.Domain.Connections;

/// <summary>The answer to a source check.</summary>
/// <param name="Ok">The vendor accepted the stored credentials.</param>
/// <param name="Problem">Why not, in words a person can act on.</param>
internal sealed record SourceCheckResponse(bool Ok, string? Problem);

/// <summary>
/// Talks to connectors about their settings: asks one to reload them now (after a change; connectors also poll),
/// and asks one to check a workspace's credentials against the vendor (the orchestrator never calls vendors).
/// </summary>
internal sealed class ConnectorSettingsClient(HttpClient http, ConnectorDirectory directory, ILogger<ConnectorSettingsClient> logger)
{
    /// <summary>How long a check may take: one vendor call, behind the connector's retries.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Best effort: a connector that is down reads the settings when it starts, and polls anyway.</summary>
    public async Task NotifyChangedAsync(string source, CancellationToken cancellationToken)
    {
        if (!directory.Knows(source))
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(NotifyTimeout);
        try
        {
            using var response = await http.PostAsync(new Uri(directory.AddressOf(source), "internal/settings/refresh"), null, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("connector-{Source} answered {Status} to a settings refresh; it will pick the change up when it polls",
                    source, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("connector-{Source} could not be told about a settings change ({Reason}); it will pick it up when it polls",
                source, ex.Message);
        }
    }

    public async Task<SourceCheckResponse> CheckAsync(string source, string workspaceId, CancellationToken cancellationToken)
    {
        if (!directory.Knows(source))
        {
            return new(false, $"connector-{source} is not deployed here, so the credentials cannot be checked (deployed: {directory.Known}).");
        }
        var address = new Uri(directory.AddressOf(source), $"internal/check/{Uri.EscapeDataString(workspaceId)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            using var response = await http.PostAsync(address, null, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new(false, $"connector-{source} could not run the check: it answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            return await response.Content.ReadFromJsonAsync<SourceCheckResponse>(timeout.Token)
                ?? new(false, $"connector-{source} answered an empty check.");
        }
        catch (HttpRequestException ex)
        {
            return new(false, $"connector-{source} is unreachable at {address}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(false, $"connector-{source} did not finish the check within {CheckTimeout.TotalSeconds:0} s.");
        }
        catch (JsonException ex)
        {
            return new(false, $"connector-{source} answered something that is not a check result: {ex.Message}");
        }
    }
}
