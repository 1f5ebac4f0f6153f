using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Connectors.LiveSettings;

/// <summary>The orchestrator's answer to <c>GET /internal/sources/{source}/settings</c>.</summary>
/// <param name="Source">The source.</param>
/// <param name="Workspaces">Each workspace's settings by configuration key, secrets included.</param>
public sealed record SourceSettingsDocument(string Source, Dictionary<string, Dictionary<string, string>> Workspaces);

/// <summary>
/// Keeps <see cref="LiveSourceSettingsProvider"/> current: reads the settings before the connector starts its workers,
/// then every <see cref="SourceSettingsOptions.RefreshInterval"/> and whenever the orchestrator says they changed
/// (<c>POST /internal/settings/refresh</c>). An unreachable orchestrator keeps the last settings (logged, never thrown).
/// </summary>
public sealed class SourceSettingsRefresher(
    IHttpClientFactory httpClients,
    SourceSettingsOptions options,
    LiveSourceSettingsProvider provider,
    ConnectorDescriptor connector,
    ILogger<SourceSettingsRefresher> logger) : BackgroundService
{
    public const string HttpClientName = "source-settings";

    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Whether the settings come from the orchestrator (else only configuration).</summary>
    public bool Enabled => options.OrchestratorAddress is not null;

    /// <summary>Reads the settings now; returns why it could not (null when it did or there is no orchestrator).</summary>
    public async Task<string?> RefreshAsync(CancellationToken cancellationToken)
    {
        if (options.OrchestratorAddress is not { } orchestrator)
        {
            return null;
        }
        await _one.WaitAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            using var http = httpClients.CreateClient(HttpClientName);
            var address = new Uri(orchestrator, $"internal/sources/{connector.Source}/settings");
            var document = await http.GetFromJsonAsync<SourceSettingsDocument>(address, timeout.Token);
            if (document?.Workspaces is null)
            {
                return $"the sync orchestrator answered an empty settings document at {address}";
            }
            if (provider.Replace(document.Workspaces))
            {
                logger.LogInformation("{Source} settings loaded from the sync orchestrator: workspaces {Workspaces}", connector.Source,
                    string.Join(", ", document.Workspaces.Keys));
            }
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException
            || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Source} settings could not be read from the sync orchestrator ({Reason}); keeping the last ones",
                connector.Source, ex.Message);
            return $"the sync orchestrator could not be read: {ex.Message}";
        }
        finally
        {
            _one.Release();
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the backfill worker and relay start: a queued StartSync for an API-connected workspace finds its credentials.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshAsync(stoppingToken);
        }
    }

    public override void Dispose()
    {
        _one.Dispose();
        base.Dispose();
    }
}
