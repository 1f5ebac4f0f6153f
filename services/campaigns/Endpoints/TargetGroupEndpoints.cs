using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Endpoints;

internal sealed record TargetGroupRequest(string? CrmName, string? PostgresTable, Guid? AudienceId, string? Description);

internal sealed record TargetGroupResponse(Guid Id, string WorkspaceId, string CrmName, string? PostgresTable, Guid? AudienceId,
    string? Description, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// Target group mappings: a name the CRM's campaign builder knows, mapped to one of the platform's unified tables or to a
/// saved audience.
/// </summary>
internal static class TargetGroupEndpoints
{
    /// <summary>The unified tables a CRM target group can name, as the audience each one means.</summary>
    public static readonly IReadOnlyDictionary<string, AudienceDefinition> Tables = new Dictionary<string, AudienceDefinition>(StringComparer.Ordinal)
    {
        ["clients"] = new(),
        ["customer_360"] = new(),
        ["cs_customers"] = new() { CsCustomer = true },
        ["customer_sales"] = new() { Segments = ["new", "active", "at_risk", "churned", "vip"] },
    };

    public static IEndpointRouteBuilder MapTargetGroupEndpoints(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/target-groups").WithTags("Target groups");
        groups.MapGet("/", ListAsync).WithName("ListTargetGroups");
        groups.MapPost("/", CreateAsync).WithName("CreateTargetGroup");
        groups.MapGet("/{id:guid}", GetAsync).WithName("GetTargetGroup");
        groups.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateTargetGroup");
        groups.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteTargetGroup");
        groups.MapGet("/{id:guid}/size", SizeAsync).WithName("GetTargetGroupSize");
        return app;
    }

    public static async Task<Results<Ok<PagedResponse<TargetGroupResponse>>, ValidationProblem>> ListAsync(string? workspaceId, int? page,
        int? pageSize, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "target groups", page, pageSize);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The target group list request is invalid");
        }
        var (current, size, skip) = Http.Resolve(page, pageSize);
        var (rows, total) = await store.ListTargetGroupsAsync(workspaceId!, skip, size);
        return TypedResults.Ok(new PagedResponse<TargetGroupResponse>(rows.Select(ToResponse).ToList(), current, size, total));
    }

    public static async Task<Results<Created<TargetGroupResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(string? workspaceId,
        TargetGroupRequest request, DefinitionStore store)
    {
        var errors = await CheckAsync(workspaceId, request, store);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The target group is invalid");
        }
        var row = await store.SaveTargetGroupAsync(workspaceId!, null, request.CrmName!.Trim(), request.PostgresTable, request.AudienceId, request.Description);
        return row is null
            ? Http.Conflict("CRM name taken", $"Workspace {workspaceId} already maps the CRM target group '{request.CrmName}'; update that mapping instead.")
            : TypedResults.Created($"/api/target-groups/{row.Id}?workspaceId={Uri.EscapeDataString(workspaceId!)}", ToResponse(row));
    }

    public static async Task<Results<Ok<TargetGroupResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, string? workspaceId,
        TargetGroupRequest request, DefinitionStore store)
    {
        var errors = await CheckAsync(workspaceId, request, store);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The target group is invalid");
        }
        if (await store.GetTargetGroupAsync(workspaceId!, id) is null)
        {
            return Missing(workspaceId!, id);
        }
        var row = await store.SaveTargetGroupAsync(workspaceId!, id, request.CrmName!.Trim(), request.PostgresTable, request.AudienceId, request.Description);
        return row is null
            ? Http.Conflict("CRM name taken", $"Workspace {workspaceId} already has another mapping for '{request.CrmName}'.")
            : TypedResults.Ok(ToResponse(row));
    }

    public static async Task<Results<Ok<TargetGroupResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(Guid id, string? workspaceId,
        DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "target groups");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The target group request is invalid");
        }
        var row = await store.GetTargetGroupAsync(workspaceId!, id);
        return row is null ? Missing(workspaceId!, id) : TypedResults.Ok(ToResponse(row));
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(Guid id, string? workspaceId, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "target groups");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The target group request is invalid");
        }
        return await store.DeleteTargetGroupAsync(workspaceId!, id) ? TypedResults.NoContent() : Missing(workspaceId!, id);
    }

    /// <summary>The target group's audience size now.</summary>
    public static async Task<Results<Ok<AudienceSize>, ValidationProblem, ProblemHttpResult>> SizeAsync(Guid id, string? workspaceId,
        DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "target groups");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The target group request is invalid");
        }
        var row = await store.GetTargetGroupAsync(workspaceId!, id);
        if (row is null)
        {
            return Missing(workspaceId!, id);
        }
        var definition = row.PostgresTable is { } table ? Tables[table]
            : JsonSerializer.Deserialize<AudienceDefinition>((await store.GetAudienceAsync(workspaceId!, row.AudienceId!.Value))!.Definition, Json.Options)!;
        return TypedResults.Ok(await store.SizeAsync(workspaceId!, definition));
    }

    private static async Task<Dictionary<string, string[]>> CheckAsync(string? workspaceId, TargetGroupRequest request, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "target groups");
        if (string.IsNullOrWhiteSpace(request.CrmName))
        {
            errors["crmName"] = ["crmName is required: the target group's name in the CRM's campaign builder."];
        }
        if ((request.PostgresTable is null) == (request.AudienceId is null))
        {
            errors["postgresTable"] = ["Give exactly one of postgresTable (a unified table) or audienceId (a saved audience)."];
        }
        else if (request.PostgresTable is { } table && !Tables.ContainsKey(table))
        {
            errors["postgresTable"] = [$"postgresTable '{table}' is not a unified table; one of: {string.Join(", ", Tables.Keys)}."];
        }
        else if (request.AudienceId is { } audienceId && errors.Count == 0 && await store.GetAudienceAsync(workspaceId!, audienceId) is null)
        {
            errors["audienceId"] = [$"Workspace {workspaceId} has no audience {audienceId}."];
        }
        return errors;
    }

    private static ProblemHttpResult Missing(string workspaceId, Guid id) =>
        Http.NotFound("Target group not found", $"Workspace {workspaceId} has no target group mapping {id}.");

    private static TargetGroupResponse ToResponse(TargetGroupRow row) =>
        new(row.Id, row.WorkspaceId, row.CrmName, row.PostgresTable, row.AudienceId, row.Description, row.CreatedAt, row.UpdatedAt);
}
