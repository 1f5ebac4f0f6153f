using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Platform.Connectors.LiveSettings;

/// <summary>Writes through the sync orchestrator's <c>PUT /internal/workspaces/{ws}/sources/{source}/secrets/{field}</c>.</summary>
public sealed class OrchestratorSecretWriter(
    IHttpClientFactory httpClients,
    SourceSettingsOptions options,
    LiveSourceSettingsProvider provider,
    ConnectorDescriptor connector,
    ILogger<OrchestratorSecretWriter> logger) : ISourceSecretWriter
{
    public async Task WriteAsync(string workspaceId, string field, string value, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceId);
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (options.OrchestratorAddress is { } orchestrator)
        {
            using var http = httpClients.CreateClient(SourceSettingsRefresher.HttpClientName);
            var address = new Uri(orchestrator,
                $"internal/workspaces/{Uri.EscapeDataString(workspaceId)}/sources/{connector.Source}/secrets/{Uri.EscapeDataString(field)}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.RequestTimeout);
            using var response = await http.PutAsJsonAsync(address, new { value }, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var detail = await response.Content.ReadAsStringAsync(ct);
                throw new InvalidOperationException(
                    $"The sync orchestrator refused to store {field} of workspace '{workspaceId}' ({(int)response.StatusCode}): {detail}");
            }
        }
        else
        {
            logger.LogWarning("{Source}: {Field} of workspace {Workspace} is kept in memory only (Connector:Settings:OrchestratorAddress is not set): " +
                "it is lost on restart", connector.Source, field, workspaceId);
        }
        provider.Set(workspaceId, field, value);
    }
}
