using System.Net.Http.Json;
using System.Text.Json;
using Platform.SyncOrchestrator.Hosting;

namespace Platform.SyncOrchestrator.Domain.Sources;

/// <summary>A workspace's state in one connector, as its <c>GET /internal/status/{workspaceId}</c> answers.</summary>
internal sealed record ConnectorStatus(
    string Source,
    string WorkspaceId,
    bool Configured,
    IReadOnlyList<ConnectorStreamStatus> Streams,
    long RecordsStaged,
    long RecordsPublished,
    long RecordsWaitingForUnify,
    ConnectorRunStatus? LastRun,
    int? RawRetentionDays = null);

internal sealed record ConnectorStreamStatus(string Stream, DateTimeOffset? Watermark);

internal sealed record ConnectorRunStatus(Guid Id, string Status, string? ErrorCode, string? Error, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt);

/// <summary>The connector's status, or why there is none (it did not answer, or answered an error).</summary>
internal sealed record StatusReading(string Source, ConnectorStatus? Status, string? Problem);

/// <summary>
/// Reads connectors' status pages with a short timeout. A connector that does not answer is a reading with a
/// problem, never an exception: one connector down must not take <c>/api/sources</c> down.
/// </summary>
internal sealed class ConnectorStatusClient(HttpClient http, ConnectorDirectory directory, OrchestratorOptions options)
{
    public Task<StatusReading[]> ReadAllAsync(IEnumerable<string> sources, string workspaceId, CancellationToken cancellationToken) =>
        Task.WhenAll(sources.Select(source => ReadAsync(source, workspaceId, cancellationToken)));

    public async Task<StatusReading> ReadAsync(string source, string workspaceId, CancellationToken cancellationToken)
    {
        var address = new Uri(directory.AddressOf(source), $"internal/status/{Uri.EscapeDataString(workspaceId)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StatusTimeout);
        try
        {
            using var response = await http.GetAsync(address, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new(source, null, $"connector-{source} answered {(int)response.StatusCode} {response.ReasonPhrase} at {address}.");
            }
            var status = await response.Content.ReadFromJsonAsync<ConnectorStatus>(timeout.Token);
            return status is null
                ? new(source, null, $"connector-{source} answered an empty status at {address}.")
                : new(source, status, null);
        }
        catch (HttpRequestException ex)
        {
            return new(source, null, $"connector-{source} is unreachable at {address}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(source, null, $"connector-{source} did not answer within {options.StatusTimeout.TotalSeconds:0.#} s at {address}.");
        }
        catch (JsonException ex)
        {
            return new(source, null, $"connector-{source} answered something that is not a status at {address}: {ex.Message}");
        }
    }
}
