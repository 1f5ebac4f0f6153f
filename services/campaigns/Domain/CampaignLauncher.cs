using System.Text.Json;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Domain;

/// <summary>Starts executions: by hand (the API), on schedule, or on an event for one person.</summary>
internal sealed partial class CampaignLauncher(DefinitionStore definitions, ExecutionStore executions, DeliverySignal signal, ILogger<CampaignLauncher> logger)
{
    /// <summary>The campaign's canvas, checked, and its audience definition; errors say what to fix.</summary>
    public async Task<(Workflow? Workflow, AudienceDefinition? Audience, Dictionary<string, string[]> Errors)> PrepareAsync(CampaignRow campaign)
    {
        using var doc = JsonDocument.Parse(campaign.WorkflowData);
        var (workflow, errors) = Workflow.Parse(doc.RootElement.Clone());
        if (workflow is null)
        {
            return (null, null, errors);
        }
        var (audienceId, inline) = workflow.AudienceFilter();
        var definition = inline ?? new AudienceDefinition();
        if (audienceId is { } id)
        {
            var saved = await definitions.GetAudienceAsync(campaign.WorkspaceId, id);
            if (saved is null)
            {
                errors["workflowData.audience"] = [$"The audience step names audience {id}, which workspace {campaign.WorkspaceId} does not have."];
                return (null, null, errors);
            }
            definition = JsonSerializer.Deserialize<AudienceDefinition>(saved.Definition, Json.Options)!;
        }
        return (workflow, definition, errors);
    }

    public async Task<(ExecutionStore.Launch? Launch, Dictionary<string, string[]> Errors)> LaunchAsync(CampaignRow campaign, string executionType,
        string? triggerKey, Guid? onlyClient, CancellationToken cancellationToken)
    {
        var (workflow, audience, errors) = await PrepareAsync(campaign);
        if (workflow is null || audience is null)
        {
            return (null, errors);
        }
        var launch = await executions.LaunchAsync(campaign, workflow, audience, executionType, triggerKey, onlyClient, cancellationToken);
        if (launch.ExecutionId is { } id)
        {
            LogLaunched(logger, campaign.Id, id, executionType, launch.Recipients.Values.Sum());
            signal.Wake();
        }
        return (launch, errors);
    }

    /// <summary>Runs every active campaign of the workspace that starts on <paramref name="triggerEvent"/>, for one person, once per key.</summary>
    public async Task TriggerAsync(string workspaceId, string triggerEvent, Guid clientId, string key, CancellationToken cancellationToken)
    {
        foreach (var campaign in await executions.CampaignsTriggeredByAsync(workspaceId, triggerEvent, cancellationToken))
        {
            var (_, errors) = await LaunchAsync(campaign, "triggered", $"{triggerEvent}:{key}", clientId, cancellationToken);
            if (errors.Count > 0)
            {
                LogTriggerSkipped(logger, campaign.Id, string.Join(" ", errors.Values.SelectMany(e => e)));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: execution {ExecutionId} ({Type}) started with {Recipients} recipient(s)")]
    private static partial void LogLaunched(ILogger logger, Guid campaignId, Guid executionId, string type, long recipients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId} was triggered but its workflow is invalid: {Errors}")]
    private static partial void LogTriggerSkipped(ILogger logger, Guid campaignId, string errors);
}

/// <summary>Wakes the delivery worker at once when recipients were added (instead of at its next poll).</summary>
internal sealed class DeliverySignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake-pending.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
