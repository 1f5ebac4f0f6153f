using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Endpoints;

internal sealed record AudienceRequest(string? Name, string? Description, AudienceDefinition? Definition);

internal sealed record AudienceResponse(Guid Id, string WorkspaceId, string Name, string? Description, AudienceDefinition Definition,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Saved audiences: definitions over the unified customers, with their size before launch.</summary>
internal static class AudienceEndpoints
{
    public static IEndpointRouteBuilder MapAudienceEndpoints(this IEndpointRouteBuilder app)
    {
        var audiences = app.MapGroup("/api/audiences").WithTags("Audiences");
        audiences.MapGet("/", ListAsync).WithName("ListAudiences");
        audiences.MapPost("/", CreateAsync).WithName("CreateAudience");
        audiences.MapPost("/preview", PreviewAsync).WithName("PreviewAudience");
        audiences.MapGet("/{id:guid}", GetAsync).WithName("GetAudience");
        audiences.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateAudience");
        audiences.MapGet("/{id:guid}/size", SizeAsync).WithName("GetAudienceSize");
        return app;
    }

    public static async Task<Results<Ok<PagedResponse<AudienceResponse>>, ValidationProblem>> ListAsync(string? workspaceId, int? page, int? pageSize,
        DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "audiences", page, pageSize);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The audience list request is invalid");
        }
        var (current, size, skip) = Http.Resolve(page, pageSize);
        var (rows, total) = await store.ListAudiencesAsync(workspaceId!, skip, size);
        return TypedResults.Ok(new PagedResponse<AudienceResponse>(rows.Select(ToResponse).ToList(), current, size, total));
    }

    public static async Task<Results<Created<AudienceResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(string? workspaceId,
        AudienceRequest request, DefinitionStore store)
    {
        var errors = Check(workspaceId, request);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The audience is invalid");
        }
        var row = await store.SaveAudienceAsync(workspaceId!, null, request.Name!.Trim(), request.Description, Serialize(request.Definition!));
        return row is null
            ? Http.Conflict("Audience name taken", $"Workspace {workspaceId} already has an audience named '{request.Name}'; choose another name or update that one.")
            : TypedResults.Created($"/api/audiences/{row.Id}?workspaceId={Uri.EscapeDataString(workspaceId!)}", ToResponse(row));
    }

    public static async Task<Results<Ok<AudienceResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, string? workspaceId,
        AudienceRequest request, DefinitionStore store)
    {
        var errors = Check(workspaceId, request);
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The audience is invalid");
        }
        if (await store.GetAudienceAsync(workspaceId!, id) is null)
        {
            return Missing(workspaceId!, id);
        }
        var row = await store.SaveAudienceAsync(workspaceId!, id, request.Name!.Trim(), request.Description, Serialize(request.Definition!));
        return row is null
            ? Http.Conflict("Audience name taken", $"Workspace {workspaceId} already has another audience named '{request.Name}'.")
            : TypedResults.Ok(ToResponse(row));
    }

    public static async Task<Results<Ok<AudienceResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(Guid id, string? workspaceId, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "audiences");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The audience request is invalid");
        }
        var row = await store.GetAudienceAsync(workspaceId!, id);
        return row is null ? Missing(workspaceId!, id) : TypedResults.Ok(ToResponse(row));
    }

    /// <summary>How many people the saved audience has now (opted-out and erased people are never counted).</summary>
    public static async Task<Results<Ok<AudienceSize>, ValidationProblem, ProblemHttpResult>> SizeAsync(Guid id, string? workspaceId, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "audiences");
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The audience size request is invalid");
        }
        var row = await store.GetAudienceAsync(workspaceId!, id);
        return row is null ? Missing(workspaceId!, id)
            : TypedResults.Ok(await store.SizeAsync(workspaceId!, JsonSerializer.Deserialize<AudienceDefinition>(row.Definition, Json.Options)!));
    }

    /// <summary>The size of a definition not saved yet (the builder's live count).</summary>
    public static async Task<Results<Ok<AudienceSize>, ValidationProblem>> PreviewAsync(string? workspaceId, AudienceDefinition definition, DefinitionStore store)
    {
        var errors = Http.Validate(workspaceId, "audiences");
        foreach (var (key, value) in definition.Validate())
        {
            errors[key] = value;
        }
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "The audience definition is invalid");
        }
        return TypedResults.Ok(await store.SizeAsync(workspaceId!, definition));
    }

    private static Dictionary<string, string[]> Check(string? workspaceId, AudienceRequest request)
    {
        var errors = Http.Validate(workspaceId, "audiences");
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["An audience needs a name."];
        }
        if (request.Definition is null)
        {
            errors["definition"] = ["An audience needs a definition (an empty object {} is everyone who may be messaged)."];
        }
        else
        {
            foreach (var (key, value) in request.Definition.Validate())
            {
                errors[key] = value;
            }
        }
        return errors;
    }

    private static ProblemHttpResult Missing(string workspaceId, Guid id) =>
        Http.NotFound("Audience not found", $"Workspace {workspaceId} has no audience {id}.");

    private static string Serialize(AudienceDefinition definition) => JsonSerializer.Serialize(definition, Json.Options);

    internal static AudienceResponse ToResponse(AudienceRow row) => new(row.Id, row.WorkspaceId, row.Name, row.Description,
        JsonSerializer.Deserialize<AudienceDefinition>(row.Definition, Json.Options)!, row.CreatedAt, row.UpdatedAt);
}
