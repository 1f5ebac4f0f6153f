using MassTransit;
using Platform.Contracts.Syncs;
using Platform.SyncOrchestrator.Hosting;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Domain.Runs;

/// <summary>Sends commands to a connector's queue (<see cref="ConnectorQueues"/>) within a bounded wait.</summary>
internal sealed partial class ConnectorCommands(IBus bus, OrchestratorOptions options, ILogger<ConnectorCommands> logger)
{
    /// <returns>False (logged) when the broker could not take the command in time; the caller's row keeps it unsent.</returns>
    public async Task<bool> TrySendAsync<T>(string source, T command, Guid subject, CancellationToken cancellationToken) where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Dispatch.SendTimeout);
        try
        {
            var endpoint = await bus.GetSendEndpoint(ConnectorQueues.For(source));
            await endpoint.Send(command, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotSent(logger, ex, typeof(T).Name, source, subject);
            return false;
        }
    }

    /// <summary>The command of an operator's unify request.</summary>
    public static ReleaseStagedRecords Release(UnifyRequest unify)
    {
        ArgumentNullException.ThrowIfNull(unify);
        return new ReleaseStagedRecords { WorkspaceId = unify.WorkspaceId, CorrelationId = unify.CorrelationId, SyncRunId = unify.SyncRunId };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command} to connector-{Source} for {Subject} not sent yet; the dispatcher will retry")]
    private static partial void LogNotSent(ILogger logger, Exception exception, string command, string source, Guid subject);
}
