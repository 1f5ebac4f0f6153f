using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Endpoints;

internal sealed record ExecutionResponse(Guid Id, Guid CampaignId, string ExecutionType, string Status, JsonElement ExecutionData,
    JsonElement Metrics, IReadOnlyDictionary<string, long> Recipients, string? Error, DateTime StartedAt, DateTime? CompletedAt);

internal sealed record LaunchResponse(Guid ExecutionId, IReadOnlyDictionary<string, long> Recipients);

internal sealed record RecipientResponse(Guid Id, Guid CustomerId, string StepId, string Channel, string Status, string? FailureReason,
    DateTime DueAt, DateTime? SentAt, DateTime? DeliveredAt, DateTime? OpenedAt, DateTime? ClickedAt);

internal sealed record MetricsResponse(Guid CampaignId, string Name, long TotalRecipients, long Sent, long Delivered, long Opened, long Clicked,
    long Failed, decimal? DeliveryRate, decimal? OpenRate, decimal? ClickRate);

/// <summary>Executions of a campaign (launch, progress, recipients) and its metrics.</summary>
internal static class ExecutionEndpoints
{
    private static readonly string[] RecipientStatuses = ["pending", "sent", "delivered", "opened", "clicked", "failed"];

    public static IEndpointRouteBuilder MapExecutionEndpoints(this IEndpointRouteBuilder app)
    {
        var executions = app.MapGroup("/api/campaigns/{campaignId:guid}").WithTags("Executions");
        executions.MapPost("/executions", LaunchAsync).WithName("LaunchCampaign");
        executions.MapGet("/executions", ListAsync).WithName("ListExecutions");
        executions.MapGet("/executions/{executionId:guid}", GetAsync).WithName("GetExecution");
        executions.MapGet("/executions/{executionId:guid}/recipients", RecipientsAsync).WithName("ListRecipients");
        executions.MapGet("/metrics", MetricsAsync).WithName("GetCampaignMetrics");
        return app;
    }

    /// <summary>Launches the campaign by hand: recipients are materialised now; 202 with the execution to poll.</summary>
    public static async Task<Results<Accepted<LaunchResponse>, ValidationProblem, ProblemHttpResult>> LaunchAsync(Guid campaignId, string? workspaceId,
        DefinitionStore store, CampaignLauncher launcher, CancellationToken cancellationToken)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The launch request is invalid");
        }
        var campaign = await store.GetCampaignAsync(workspaceId!, campaignId);
        if (campaign is null)
        {
            return CampaignEndpoints.Missing(workspaceId!, campaignId);
        }
        if (campaign.Status == "paused")
        {
            return Http.Conflict("Campaign paused", $"Campaign {campaignId} is paused; activate it before launching.");
        }
        var (launch, problems) = await launcher.LaunchAsync(campaign, "manual", null, null, cancellationToken);
        if (launch?.ExecutionId is not { } executionId)
        {
            return Http.Invalid(problems, "The campaign's workflow is invalid");
        }
        return TypedResults.Accepted($"/api/campaigns/{campaignId}/executions/{executionId}?workspaceId={Uri.EscapeDataString(workspaceId!)}",
            new LaunchResponse(executionId, launch.Recipients));
    }

    public static async Task<Results<Ok<PagedResponse<ExecutionResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(Guid campaignId,
        string? workspaceId, int? page, int? pageSize, ExecutionStore store, DefinitionStore campaigns)
    {
        var errors = Http.Validate(workspaceId, "campaigns", page, pageSize);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The execution list request is invalid");
        }
        // Another workspace's campaign is not found here, the same as for every by-id route (not an empty list).
        if (await campaigns.GetCampaignAsync(workspaceId!, campaignId) is null)
        {
            return CampaignEndpoints.Missing(workspaceId!, campaignId);
        }
        var (current, size, skip) = Http.Resolve(page, pageSize);
        var (rows, total) = await store.ListAsync(workspaceId!, campaignId, skip, size);
        var items = new List<ExecutionResponse>();
        foreach (var row in rows)
        {
            items.Add(ToResponse(row, await store.CountsAsync(row.Id)));
        }
        return TypedResults.Ok(new PagedResponse<ExecutionResponse>(items, current, size, total));
    }

    public static async Task<Results<Ok<ExecutionResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(Guid campaignId, Guid executionId,
        string? workspaceId, ExecutionStore store)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The execution request is invalid");
        }
        var row = await store.GetAsync(workspaceId!, campaignId, executionId);
        return row is null
            ? Http.NotFound("Execution not found", $"Campaign {campaignId} of workspace {workspaceId} has no execution {executionId}.")
            : TypedResults.Ok(ToResponse(row, await store.CountsAsync(row.Id)));
    }

    public static async Task<Results<Ok<PagedResponse<RecipientResponse>>, ValidationProblem, ProblemHttpResult>> RecipientsAsync(Guid campaignId,
        Guid executionId, string? workspaceId, string? status, int? page, int? pageSize, ExecutionStore store)
    {
        var errors = Http.Validate(workspaceId, "campaigns", page, pageSize);
        if (status is not null && !RecipientStatuses.Contains(status, StringComparer.Ordinal))
        {
            errors["status"] = [$"status '{status}' is not one of: {string.Join(", ", RecipientStatuses)}."];
        }
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The recipient list request is invalid");
        }
        if (await store.GetAsync(workspaceId!, campaignId, executionId) is null)
        {
            return Http.NotFound("Execution not found", $"Campaign {campaignId} of workspace {workspaceId} has no execution {executionId}.");
        }
        var (current, size, skip) = Http.Resolve(page, pageSize);
        var (rows, total) = await store.RecipientsAsync(executionId, status, skip, size);
        return TypedResults.Ok(new PagedResponse<RecipientResponse>(rows.Select(r => new RecipientResponse(r.Id, r.CustomerId, r.StepId, r.Channel,
            r.Status, r.FailureReason, r.DueAt, r.SentAt, r.DeliveredAt, r.OpenedAt, r.ClickedAt)).ToList(), current, size, total));
    }

    /// <summary>Delivery, open and click rates (the <c>campaign_metrics</c> view).</summary>
    public static async Task<Results<Ok<MetricsResponse>, ValidationProblem, ProblemHttpResult>> MetricsAsync(Guid campaignId, string? workspaceId,
        ExecutionStore store)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The metrics request is invalid");
        }
        var m = await store.MetricsAsync(workspaceId!, campaignId);
        return m is null
            ? CampaignEndpoints.Missing(workspaceId!, campaignId)
            : TypedResults.Ok(new MetricsResponse(m.CampaignId, m.Name, m.TotalRecipients, m.Sent, m.Delivered, m.Opened, m.Clicked, m.Failed,
                m.DeliveryRate, m.OpenRate, m.ClickRate));
    }

    private static ExecutionResponse ToResponse(ExecutionRow row, IReadOnlyDictionary<string, long> counts)
    {
        using var data = JsonDocument.Parse(row.ExecutionData);
        using var metrics = JsonDocument.Parse(row.Metrics);
        // The snapshot's canvas is the campaign's; the response keeps the audience and counts, not the whole canvas again.
        var summary = data.RootElement.Clone();
        return new ExecutionResponse(row.Id, row.CampaignId, row.ExecutionType, row.Status, summary, metrics.RootElement.Clone(), counts, row.Error,
            row.StartedAt, row.CompletedAt);
    }
}
