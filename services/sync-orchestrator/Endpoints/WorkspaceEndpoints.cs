using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Sources;
using Platform.ServiceDefaults.Callers;
using Platform.SyncOrchestrator.Domain.Connections;
using Platform.SyncOrchestrator.Persistence;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Endpoints;

internal sealed record PutWorkspaceRequest(string? Name);

internal sealed record WorkspaceResponse(string Id, string Name, IReadOnlyList<string> Sources, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A connected source as any GET shows it: plain settings, and only the names of the secrets that are set.</summary>
internal sealed record SourceConnectionResponse(
    string WorkspaceId,
    string Source,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<string> SecretsSet,
    string Origin,
    DateTimeOffset UpdatedAt);

internal sealed record SourceCheckResult(string WorkspaceId, string Source, bool Ok, string? Problem, DateTimeOffset CheckedAt);

/// <summary>Workspaces and the sources connected to them: the normal way to add a company or rotate a key.</summary>
internal static partial class WorkspaceEndpoints
{
    public static IEndpointRouteBuilder MapWorkspaceEndpoints(this IEndpointRouteBuilder app)
    {
        var workspaces = app.MapGroup("/api/workspaces").WithTags("Workspaces");
        workspaces.MapGet("/", ListWorkspacesAsync).WithName("ListWorkspaces");
        workspaces.MapGet("/{workspaceId}", GetWorkspaceAsync).WithName("GetWorkspace");
        workspaces.MapPut("/{workspaceId}", PutWorkspaceAsync).WithName("PutWorkspace");
        workspaces.MapGet("/{workspaceId}/sources", ListConnectionsAsync).WithName("ListWorkspaceSources");
        workspaces.MapGet("/{workspaceId}/sources/{source}", GetConnectionAsync).WithName("GetWorkspaceSource");
        workspaces.MapPut("/{workspaceId}/sources/{source}", PutConnectionAsync).WithName("PutWorkspaceSource");
        workspaces.MapPost("/{workspaceId}/sources/{source}/check", CheckConnectionAsync).WithName("CheckWorkspaceSource");

        app.MapGet("/api/sources/{source}/spec", GetSpec).WithTags("Sources").WithName("GetSourceSpec");
        return app;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex WorkspaceIdPattern();

    private static string? InvalidWorkspaceId(string workspaceId) => WorkspaceIdPattern().IsMatch(workspaceId) ? null
        : "A workspace id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. blue or tokeniza).";

    public static async Task<Ok<PagedResponse<WorkspaceResponse>>> ListWorkspacesAsync(int? page, int? pageSize, HttpContext http,
        OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var (current, size, skip) = Paging.Resolve(page is < 1 ? 1 : page, pageSize is < 1 or > Paging.MaxPageSize ? Paging.DefaultPageSize : pageSize);
        // A caller limited to some workspaces sees only those.
        var visible = PlatformCaller.Of(http)?.Workspaces is { } allowed
            ? db.Workspaces.Where(w => allowed.Contains(w.Id))
            : db.Workspaces;
        var total = await visible.CountAsync(cancellationToken);
        var items = await visible.AsNoTracking().OrderBy(w => w.Id).Skip(skip).Take(size).ToListAsync(cancellationToken);
        var ids = items.Select(w => w.Id).ToList();
        var sources = await db.SourceConnections.AsNoTracking().Where(c => ids.Contains(c.WorkspaceId))
            .Select(c => new { c.WorkspaceId, c.Source }).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResponse<WorkspaceResponse>(
            items.Select(w => View(w, sources.Where(s => s.WorkspaceId == w.Id).Select(s => s.Source))).ToList(), current, size, total));
    }

    public static async Task<Results<Ok<WorkspaceResponse>, ProblemHttpResult>> GetWorkspaceAsync(string workspaceId, OrchestratorDbContext db,
        CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Id == workspaceId, cancellationToken);
        if (workspace is null)
        {
            return WorkspaceNotFound(workspaceId);
        }
        var sources = await db.SourceConnections.AsNoTracking().Where(c => c.WorkspaceId == workspaceId).Select(c => c.Source)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(View(workspace, sources));
    }

    public static async Task<Results<Ok<WorkspaceResponse>, Created<WorkspaceResponse>, ValidationProblem>> PutWorkspaceAsync(
        string workspaceId, PutWorkspaceRequest? request, ConnectionStore store, OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (InvalidWorkspaceId(workspaceId) is { } idProblem)
        {
            errors["workspaceId"] = [idProblem];
        }
        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors["name"] = ["The body needs a name of 1 to 200 characters: {\"name\":\"Blue\"}."];
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "The workspace is invalid");
        }
        var (workspace, created) = await store.PutWorkspaceAsync(workspaceId, name!, cancellationToken);
        var sources = await db.SourceConnections.AsNoTracking().Where(c => c.WorkspaceId == workspaceId).Select(c => c.Source)
            .ToListAsync(cancellationToken);
        var view = View(workspace, sources);
        return created ? TypedResults.Created($"/api/workspaces/{workspaceId}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<IReadOnlyList<SourceConnectionResponse>>, ProblemHttpResult>> ListConnectionsAsync(
        string workspaceId, ConnectionStore store, OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        if (await store.FindWorkspaceAsync(workspaceId, cancellationToken) is null)
        {
            return WorkspaceNotFound(workspaceId);
        }
        var connections = await db.SourceConnections.AsNoTracking().Where(c => c.WorkspaceId == workspaceId).OrderBy(c => c.Source)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SourceConnectionResponse>>(connections.Select(View).ToList());
    }

    public static async Task<Results<Ok<SourceConnectionResponse>, ProblemHttpResult>> GetConnectionAsync(
        string workspaceId, string source, ConnectionStore store, CancellationToken cancellationToken)
    {
        if (SourceSpecs.For(source) is null)
        {
            return UnknownSource(source);
        }
        var connection = await store.FindConnectionAsync(workspaceId, source.ToLowerInvariant(), cancellationToken);
        return connection is null ? ConnectionNotFound(workspaceId, source) : TypedResults.Ok(View(connection));
    }

    public static async Task<Results<Ok<SourceConnectionResponse>, Created<SourceConnectionResponse>, ValidationProblem, ProblemHttpResult>> PutConnectionAsync(
        string workspaceId, string source, HttpRequest http, ConnectionStore store, ConnectorSettingsClient connectors,
        CancellationToken cancellationToken)
    {
        if (SourceSpecs.For(source) is not { } spec)
        {
            return UnknownSource(source);
        }
        if (await store.FindWorkspaceAsync(workspaceId, cancellationToken) is null)
        {
            return WorkspaceNotFound(workspaceId);
        }
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return Problems.Invalid("body", $"The body is not JSON ({ex.Message}); send the {spec.Title} settings as a JSON object.",
                $"The {spec.Title} settings are invalid");
        }
        var existing = await store.FindConnectionAsync(workspaceId, spec.Source, cancellationToken);
        var stored = existing is null ? new Dictionary<string, string>() : store.Secrets(existing);
        var (settings, errors) = SourceSettingsValidator.Validate(spec, body, stored);
        if (settings is null)
        {
            return Problems.Invalid(errors, $"The {spec.Title} settings are invalid");
        }
        var (connection, created) = await store.PutConnectionAsync(workspaceId, spec.Source, settings, SourceOrigins.Api, cancellationToken);
        await connectors.NotifyChangedAsync(spec.Source, cancellationToken);
        var view = View(connection);
        return created ? TypedResults.Created($"/api/workspaces/{workspaceId}/sources/{spec.Source}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<SourceCheckResult>, ProblemHttpResult>> CheckConnectionAsync(
        string workspaceId, string source, ConnectionStore store, ConnectorSettingsClient connectors, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (SourceSpecs.For(source) is not { } spec)
        {
            return UnknownSource(source);
        }
        if (await store.FindConnectionAsync(workspaceId, spec.Source, cancellationToken) is null)
        {
            return ConnectionNotFound(workspaceId, spec.Source);
        }
        var result = await connectors.CheckAsync(spec.Source, workspaceId, cancellationToken);
        return TypedResults.Ok(new SourceCheckResult(workspaceId, spec.Source, result.Ok, result.Ok ? null : result.Problem, clock.GetUtcNow()));
    }

    public static Results<Ok<SourceSpec>, ProblemHttpResult> GetSpec(string source) =>
        SourceSpecs.For(source) is { } spec ? TypedResults.Ok(spec) : UnknownSource(source);

    private static WorkspaceResponse View(Workspace w, IEnumerable<string> sources) =>
        new(w.Id, w.Name, [.. sources.Order(StringComparer.Ordinal)], w.CreatedAt, w.UpdatedAt);

    private static SourceConnectionResponse View(SourceConnection c) =>
        new(c.WorkspaceId, c.Source, ConnectionStore.Plain(c), c.SecretsSet, c.Origin, c.UpdatedAt);

    private static ProblemHttpResult WorkspaceNotFound(string workspaceId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Workspace not found",
            detail: $"Workspace '{workspaceId}' does not exist; create it with PUT /api/workspaces/{workspaceId} {{\"name\":\"…\"}}.");

    private static ProblemHttpResult ConnectionNotFound(string workspaceId, string source) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not connected",
            detail: $"{source} is not connected for workspace '{workspaceId}'; connect it with PUT /api/workspaces/{workspaceId}/sources/{source} " +
                $"(fields: GET /api/sources/{source}/spec).");

    private static ProblemHttpResult UnknownSource(string source) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source",
            detail: $"'{source}' is not a source; the sources are {string.Join(", ", SourceSpecs.All.Select(s => s.Source))}.");
}
