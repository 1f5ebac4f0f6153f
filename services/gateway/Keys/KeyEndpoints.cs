using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Gateway.Authentication;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Keys;

/// <summary>A key to create: who it is for, its role and its workspaces (null or <c>["*"]</c>: every workspace).</summary>
internal sealed record CreateKeyRequest(string? Name, string? Role, IReadOnlyList<string>? Workspaces);

/// <summary>The new key, shown this once: the gateway keeps only a salted hash of it.</summary>
internal sealed record CreatedKeyResponse(Guid Id, string Key, string Name, string Role, IReadOnlyList<string>? Workspaces, DateTimeOffset CreatedAt);

/// <summary>A key as listed (never the key itself); <c>workspaces</c> null means every workspace.</summary>
internal sealed record KeyResponse(Guid Id, string Name, string Role, IReadOnlyList<string>? Workspaces, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// <c>/api/admin/keys</c>: admins create, list and delete operator keys. An admin limited to some workspaces manages only
/// keys limited to those workspaces, so no key can reach further than the admin who made it.
/// </summary>
internal static partial class KeyEndpoints
{
    public static IEndpointRouteBuilder MapKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/admin/keys").WithTags("Keys").RequireAuthorization(OperatorAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        keys.MapPost("/", CreateAsync).WithName("CreateKey").WithSummary("Create an operator key (shown once)");
        keys.MapGet("/", ListAsync).WithName("ListKeys").WithSummary("The operator keys (without the keys themselves)");
        keys.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteKey").WithSummary("Delete (revoke) an operator key");
        return app;
    }

    public static async Task<Results<Created<CreatedKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateKeyRequest request, HttpContext http, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (NotAdmin(http) is { } refused)
        {
            return refused;
        }
        if (services.GetService<OperatorKeyStore>() is not { } store)
        {
            return NoDatabase();
        }
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || !KeyName().IsMatch(name))
        {
            errors["name"] = ["name is required: 1-64 letters, digits, '.', '_', '-' or '@' (it is recorded as who acted)."];
        }
        var role = request.Role?.Trim().ToLowerInvariant();
        if (role is null || !CallerRoles.OperatorRoles.Contains(role))
        {
            errors["role"] = [$"role must be one of {string.Join(", ", CallerRoles.OperatorRoles)}."];
        }
        List<string>? workspaces = request.Workspaces is null || request.Workspaces.Contains(PlatformCallerWorkspaces.All)
            ? null
            : request.Workspaces.Select(w => w.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (workspaces is not null && (workspaces.Count == 0 || workspaces.Any(w => !WorkspaceId().IsMatch(w))))
        {
            errors["workspaces"] = ["workspaces is a list of workspace ids (1-64 letters, digits, '.', '_' or '-'), or [\"*\"] for every workspace."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The key request is invalid");
        }
        if (!Covers(OperatorClaims.AllowedWorkspaces(http.User), workspaces))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Beyond your workspaces",
                detail: "A key can only be given workspaces the admin who creates it may use.");
        }
        try
        {
            var (key, secret) = await store.CreateAsync(name!, role!, workspaces, http.User.Identity!.Name!, cancellationToken);
            return TypedResults.Created($"/api/admin/keys/{key.Id}",
                new CreatedKeyResponse(key.Id, secret, key.Name, key.Role, key.Workspaces, key.CreatedAt));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Name taken",
                detail: $"A key named '{name}' exists; names say who acted, so each is used once. Delete it first or choose another.");
        }
    }

    public static async Task<Results<Ok<IReadOnlyList<KeyResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext http, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (NotAdmin(http) is { } refused)
        {
            return refused;
        }
        if (services.GetService<OperatorKeyStore>() is not { } store)
        {
            return NoDatabase();
        }
        var mine = OperatorClaims.AllowedWorkspaces(http.User);
        var keys = (await store.ListAsync(cancellationToken)).Where(k => Covers(mine, k.Workspaces))
            .Select(k => new KeyResponse(k.Id, k.Name, k.Role, k.Workspaces, k.CreatedAt, k.CreatedBy)).ToList();
        return TypedResults.Ok<IReadOnlyList<KeyResponse>>(keys);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext http, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (NotAdmin(http) is { } refused)
        {
            return refused;
        }
        if (services.GetService<OperatorKeyStore>() is not { } store)
        {
            return NoDatabase();
        }
        var key = await store.GetAsync(id, cancellationToken);
        if (key is null || !Covers(OperatorClaims.AllowedWorkspaces(http.User), key.Workspaces)
            || !await store.RevokeAsync(id, http.User.Identity!.Name!, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such key",
                detail: $"There is no active key {id} among the keys you manage.");
        }
        return TypedResults.NoContent();
    }

    /// <summary>True when <paramref name="mine"/> (null: all) includes every workspace of <paramref name="theirs"/> (null: all).</summary>
    private static bool Covers(IReadOnlyList<string>? mine, IReadOnlyList<string>? theirs) =>
        mine is null || (theirs is not null && theirs.All(w => mine.Contains(w, StringComparer.Ordinal)));

    private static ProblemHttpResult? NotAdmin(HttpContext http) =>
        OperatorClaims.RoleOf(http.User) == CallerRoles.Admin ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for this role",
                detail: "Only an admin key manages operator keys.");

    private static ProblemHttpResult NoDatabase() => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Keys are not stored here", detail: "The gateway has no database (ConnectionStrings:Platform), so only the configured keys work.");

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex KeyName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex WorkspaceId();
}
