using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Endpoints;

internal sealed record CampaignRequest(string? Name, string? Description, JsonElement? WorkflowData);

internal sealed record CampaignResponse(Guid Id, string WorkspaceId, string Name, string? Description, string Status, JsonElement WorkflowData,
    string? CreatedBy, DateTime? ScheduledAt, DateTime? StartedAt, DateTime? CompletedAt, DateTime CreatedAt, DateTime UpdatedAt);

internal sealed record CampaignAudienceSize(Guid CampaignId, AudienceDefinition Audience, AudienceSize Size);

/// <summary>Campaigns: the canvas, its audience size before launch, activation (triggered and scheduled) and pausing.</summary>
internal static class CampaignEndpoints
{
    private static readonly string[] Statuses = ["draft", "active", "paused", "completed"];

    public static IEndpointRouteBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/api/campaigns").WithTags("Campaigns");
        campaigns.MapGet("/", ListAsync).WithName("ListCampaigns");
        campaigns.MapPost("/", CreateAsync).WithName("CreateCampaign");
        campaigns.MapGet("/active", ActiveAsync).WithName("ListActiveCampaigns");
        campaigns.MapGet("/{id:guid}", GetAsync).WithName("GetCampaign");
        campaigns.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateCampaign");
        campaigns.MapGet("/{id:guid}/audience-size", AudienceSizeAsync).WithName("GetCampaignAudienceSize");
        campaigns.MapPost("/{id:guid}/activate", ActivateAsync).WithName("ActivateCampaign");
        campaigns.MapPost("/{id:guid}/pause", PauseAsync).WithName("PauseCampaign");
        return app;
    }

    public static async Task<Results<Ok<PagedResponse<CampaignResponse>>, ValidationProblem>> ListAsync(string? workspaceId, string? status, int? page,
        int? pageSize, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "campaigns", page, pageSize);
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            errors["status"] = [$"status '{status}' is not one of: {string.Join(", ", Statuses)}."];
        }
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The campaign list request is invalid");
        }
        var (current, size, skip) = Http.Resolve(page, pageSize);
        var (rows, total) = await store.ListCampaignsAsync(workspaceId!, status, skip, size);
        return TypedResults.Ok(new PagedResponse<CampaignResponse>(rows.Select(ToResponse).ToList(), current, size, total));
    }

    /// <summary>Campaigns running now with their recipient counts (the <c>active_campaigns</c> view).</summary>
    public static async Task<Results<Ok<IReadOnlyList<ActiveCampaignRow>>, ValidationProblem>> ActiveAsync(string? workspaceId, ExecutionStore store)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        return errors.Count > 0 ? Http.Invalid(errors, "The active campaign request is invalid") : TypedResults.Ok(await store.ActiveAsync(workspaceId!));
    }

    /// <summary>Creates a draft; the canvas is checked fully when the campaign is launched or activated.</summary>
    public static async Task<Results<Created<CampaignResponse>, ValidationProblem>> CreateAsync(string? workspaceId, CampaignRequest request,
        DefinitionStore store, HttpContext http)
    {
        var errors = Check(workspaceId, request);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The campaign is invalid");
        }
        var workflow = Canvas(request);
        var row = await store.CreateCampaignAsync(workspaceId!, request.Name!.Trim(), request.Description, workflow,
            http.Request.Headers[Http.OperatorHeader].FirstOrDefault(), ScheduledAt(workflow));
        return TypedResults.Created($"/api/campaigns/{row.Id}?workspaceId={Uri.EscapeDataString(workspaceId!)}", ToResponse(row));
    }

    public static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, string? workspaceId,
        CampaignRequest request, DefinitionStore store)
    {
        var errors = Check(workspaceId, request);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The campaign is invalid");
        }
        var workflow = Canvas(request);
        var row = await store.UpdateCampaignAsync(workspaceId!, id, request.Name!.Trim(), request.Description, workflow, ScheduledAt(workflow));
        return row is null ? Missing(workspaceId!, id) : TypedResults.Ok(ToResponse(row));
    }

    public static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(Guid id, string? workspaceId, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The campaign request is invalid");
        }
        var row = await store.GetCampaignAsync(workspaceId!, id);
        return row is null ? Missing(workspaceId!, id) : TypedResults.Ok(ToResponse(row));
    }

    /// <summary>How many people the campaign's audience step selects now, before launch.</summary>
    public static async Task<Results<Ok<CampaignAudienceSize>, ValidationProblem, ProblemHttpResult>> AudienceSizeAsync(Guid id, string? workspaceId,
        DefinitionStore store, CampaignLauncher launcher)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The audience size request is invalid");
        }
        var row = await store.GetCampaignAsync(workspaceId!, id);
        if (row is null)
        {
            return Missing(workspaceId!, id);
        }
        var (_, audience, problems) = await launcher.PrepareAsync(row);
        return audience is null
            ? Http.Invalid(problems, "The campaign's workflow is invalid")
            : TypedResults.Ok(new CampaignAudienceSize(id, audience, await store.SizeAsync(workspaceId!, audience)));
    }

    /// <summary>Turns a triggered or scheduled campaign on (a manual one starts with POST …/executions).</summary>
    public static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> ActivateAsync(Guid id, string? workspaceId,
        DefinitionStore store, CampaignLauncher launcher, DeliverySignal signal)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The activation request is invalid");
        }
        var row = await store.GetCampaignAsync(workspaceId!, id);
        if (row is null)
        {
            return Missing(workspaceId!, id);
        }
        var (workflow, _, problems) = await launcher.PrepareAsync(row);
        if (workflow is null)
        {
            return Http.Invalid(problems, "The campaign's workflow is invalid");
        }
        if (workflow.TriggerKind == "manual")
        {
            return Http.Conflict("A manual campaign is launched, not activated",
                $"Campaign {id} starts by hand: POST /api/campaigns/{id}/executions?workspaceId={workspaceId} launches it.");
        }
        var updated = await store.SetCampaignStatusAsync(workspaceId!, id, "active", ["draft", "paused", "active"]);
        signal.Wake();
        return updated is null
            ? Http.Conflict("Campaign completed", $"Campaign {id} is {row.Status}; a completed campaign is not activated again.")
            : TypedResults.Ok(ToResponse(updated));
    }

    /// <summary>Stops sending: recipients not sent yet wait until the campaign is activated again.</summary>
    public static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> PauseAsync(Guid id, string? workspaceId,
        DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The pause request is invalid");
        }
        var row = await store.GetCampaignAsync(workspaceId!, id);
        if (row is null)
        {
            return Missing(workspaceId!, id);
        }
        var updated = await store.SetCampaignStatusAsync(workspaceId!, id, "paused", ["active"]);
        return updated is null
            ? Http.Conflict("Campaign not active", $"Campaign {id} is {row.Status}; only an active campaign can be paused.")
            : TypedResults.Ok(ToResponse(updated));
    }

    private static Dictionary<string, string[]> Check(string? workspaceId, CampaignRequest request)
    {
        var errors = Http.Validate(workspaceId, "campaigns");
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["A campaign needs a name."];
        }
        if (request.WorkflowData is { } w && (w.ValueKind != JsonValueKind.Object
            || !w.TryGetProperty("nodes", out var n) || n.ValueKind != JsonValueKind.Array
            || (w.TryGetProperty("edges", out var e) && e.ValueKind != JsonValueKind.Array)))
        {
            errors["workflowData"] = ["workflowData is the canvas: an object with a nodes array and an edges array."];
        }
        return errors;
    }

    private static string Canvas(CampaignRequest request) => request.WorkflowData?.GetRawText() ?? """{"nodes": [], "edges": []}""";

    private static DateTimeOffset? ScheduledAt(string workflowData)
    {
        using var doc = JsonDocument.Parse(workflowData);
        var (workflow, _) = Workflow.Parse(doc.RootElement.Clone());
        return workflow is { TriggerKind: "schedule" } ? workflow.ScheduledAt : null;
    }

    internal static ProblemHttpResult Missing(string workspaceId, Guid id) =>
        Http.NotFound("Campaign not found", $"Workspace {workspaceId} has no campaign {id}.");

    private static CampaignResponse ToResponse(CampaignRow row)
    {
        using var doc = JsonDocument.Parse(row.WorkflowData);
        return new(row.Id, row.WorkspaceId, row.Name, row.Description, row.Status, doc.RootElement.Clone(), row.CreatedBy, row.ScheduledAt,
            row.StartedAt, row.CompletedAt, row.CreatedAt, row.UpdatedAt);
    }
}
