using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Files;

/// <summary>Wakes the import worker when an upload is ready to stage.</summary>
public sealed class FileImportSignal : WakeSignal;

/// <summary>
/// Stages received imports one at a time, in the background (never inside the upload request). On start it also
/// resumes imports a crash left staging: staging is idempotent (a row already staged is the same version), so
/// an import simply runs again from its first row.
/// </summary>
internal sealed partial class FileImportWorker(
    IServiceScopeFactory scopes,
    FileImportStore store,
    FileImportSignal signal,
    FileImportOptions options,
    TimeProvider clock,
    ILogger<FileImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var resume = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var import = await store.ClaimNextAsync(resume, clock.GetUtcNow(), stoppingToken);
                resume = false;
                if (import is null)
                {
                    await signal.WaitAsync(options.PollInterval, stoppingToken);
                    continue;
                }
                if (!File.Exists(import.SpoolPath))
                {
                    await store.FinishAsync(import.Id, FileImportStatus.Failed,
                        "The uploaded file is gone from this instance's spool folder; upload it again.", false, clock.GetUtcNow(), stoppingToken);
                    continue;
                }
                LogImportStarted(logger, import.Id, import.Format, import.WorkspaceId);
                await using var scope = scopes.CreateAsyncScope();
                var importer = scope.ServiceProvider.GetRequiredService<FileImporter>();
                try
                {
                    await importer.RunAsync(import, stoppingToken);
                    LogImportFinished(logger, import.Id);
                }
                catch (Exception ex) when (ex is FileFormatException or CsvFormatException)
                {
                    await store.FinishAsync(import.Id, FileImportStatus.Failed, ex.Message, false, clock.GetUtcNow(), stoppingToken);
                    FileImporter.TryDelete(import.SpoolPath);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The worker outlives a database outage; the import stays 'staging' and resumes.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogWorkerFailed(logger, ex);
                resume = true;
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} ({Format}) for workspace {WorkspaceId} started")]
    private static partial void LogImportStarted(ILogger logger, Guid importId, string format, string workspaceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} finished")]
    private static partial void LogImportFinished(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "File import worker failed; retrying")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);
}
