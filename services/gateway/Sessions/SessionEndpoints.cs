using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Gateway.Authentication;

namespace Platform.Gateway.Sessions;

/// <summary>Sign in with an operator key (the body), get an HttpOnly session cookie.</summary>
internal sealed record SignInRequest(string? ApiKey);

/// <summary>Choose the workspace the session works in.</summary>
internal sealed record ChooseWorkspaceRequest(string? WorkspaceId);

/// <summary>
/// Who is signed in, in which workspace (null until chosen), until when; the key's role and whether it may use every
/// workspace (what the command center's cross-workspace pages, such as dead letters, need).
/// </summary>
internal sealed record SessionResponse(string Operator, string? WorkspaceId, DateTimeOffset ExpiresAt, string Role, bool AllWorkspaces);

/// <summary>
/// <c>/api/session</c>: the web app's sign-in. The key is checked once and never stored: the cookie carries only
/// the operator's name, the key's role and workspaces, the chosen workspace and the expiry, encrypted and signed by the gateway.
/// </summary>
internal static partial class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/api/session").WithTags("Session");
        session.MapPost("/", SignInAsync).AllowAnonymous().WithName("SignIn")
            .WithSummary("Sign in with an operator API key")
            .WithDescription("Exchanges an operator API key for an HttpOnly, SameSite=Strict session cookie that expires. The key is not stored.");
        session.MapGet("/", GetSession).RequireAuthorization(OperatorAuthentication.Policy).WithName("GetSession")
            .WithSummary("The current session");
        session.MapPut("/workspace", ChooseWorkspaceAsync).RequireAuthorization(OperatorAuthentication.Policy).WithName("ChooseWorkspace")
            .WithSummary("Choose the session's workspace")
            .WithDescription("Every later call of this session is limited to this workspace.");
        session.MapDelete("/", (Func<HttpContext, Task<NoContent>>)SignOutAsync).AllowAnonymous().WithName("SignOut").WithSummary("Sign out (clears the cookie)");
        return app;
    }

    public static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> SignInAsync(
        SignInRequest? request, HttpContext http, ApiKeyVerifier keys, IOptions<SessionSettings> options, TimeProvider clock)
    {
        if (string.IsNullOrEmpty(request?.ApiKey))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["apiKey"] = ["apiKey is required: the operator API key."] },
                title: "The sign-in request is invalid");
        }
        if (await keys.FindAsync(request.ApiKey, http.RequestAborted) is not { } key)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing or invalid API key",
                detail: "The API key sent was not accepted. Use an operator API key configured in Gateway:ApiKeys.");
        }
        var expires = clock.GetUtcNow() + options.Value.Lifetime;
        await IssueCookieAsync(http, OperatorClaims.For(key.Name, key.Role, key.Workspaces, key.Id).ToList(), null, expires);
        return TypedResults.Ok(new SessionResponse(key.Name, null, expires, key.Role, key.Workspaces is null));
    }

    public static Results<Ok<SessionResponse>, ProblemHttpResult> GetSession(HttpContext http)
    {
        if (!SessionAuthentication.IsSession(http))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a session",
                detail: "This call was made with an API key, not a session cookie; sign in with POST /api/session.");
        }
        return TypedResults.Ok(Describe(http.User));
    }

    public static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> ChooseWorkspaceAsync(
        ChooseWorkspaceRequest? request, HttpContext http)
    {
        if (!SessionAuthentication.IsSession(http))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a session",
                detail: "This call was made with an API key, not a session cookie; sign in with POST /api/session.");
        }
        var workspace = request?.WorkspaceId?.Trim();
        if (string.IsNullOrEmpty(workspace) || !WorkspaceId().IsMatch(workspace))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["workspaceId"] = ["workspaceId is required: 1-64 letters, digits, '.', '_' or '-'."],
            }, title: "The workspace choice is invalid");
        }
        if (!CanUse(http.User, workspace))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Another workspace",
                detail: $"The key this session signed in with may not use workspace '{workspace}'.");
        }
        var current = Describe(http.User);
        var keyClaims = http.User.Claims.Where(c => c.Type is ClaimTypes.Name or ClaimTypes.Role
            or OperatorClaims.AllowedWorkspaceClaim or OperatorClaims.KeyIdClaim).ToList();
        await IssueCookieAsync(http, keyClaims, workspace, current.ExpiresAt);
        return TypedResults.Ok(current with { WorkspaceId = workspace });
    }

    public static async Task<NoContent> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(SessionAuthentication.Scheme);
        return TypedResults.NoContent();
    }

    private static SessionResponse Describe(ClaimsPrincipal user) => new(
        user.Identity!.Name!,
        user.FindFirst(SessionAuthentication.WorkspaceClaim)?.Value,
        DateTimeOffset.Parse(user.FindFirst(SessionAuthentication.ExpiresClaim)!.Value, System.Globalization.CultureInfo.InvariantCulture),
        OperatorClaims.RoleOf(user),
        OperatorClaims.AllowedWorkspaces(user) is null);

    private static bool CanUse(ClaimsPrincipal user, string workspace) =>
        OperatorClaims.AllowedWorkspaces(user) is not { } allowed || allowed.Contains(workspace, StringComparer.Ordinal);

    /// <summary>The key's claims (name, role, workspaces) travel in the cookie, so a session can do what its key can and no more.</summary>
    private static Task IssueCookieAsync(HttpContext http, List<Claim> keyClaims, string? workspace, DateTimeOffset expires)
    {
        var claims = new List<Claim>(keyClaims)
        {
            new(SessionAuthentication.ExpiresClaim, expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (workspace is not null)
        {
            claims.Add(new Claim(SessionAuthentication.WorkspaceClaim, workspace));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SessionAuthentication.Scheme));
        // Persistent so the cookie itself carries the expiry; not sliding, so a session ends when it says.
        return http.SignInAsync(SessionAuthentication.Scheme, principal,
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = expires, AllowRefresh = false });
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex WorkspaceId();
}
