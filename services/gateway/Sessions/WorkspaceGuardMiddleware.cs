using Microsoft.Extensions.Options;
using Platform.Gateway.Authentication;
using Platform.ServiceDefaults.Callers;

namespace Platform.Gateway.Sessions;

/// <summary>
/// Keeps every <c>/api</c> call inside the workspaces its caller may use: a session the one it chose, a key limited to
/// some workspaces those (a key for every workspace is not limited here; the services still check roles). For such a
/// call the gateway: refuses a viewer's write and a session's cross-site write; checks <c>workspaceId</c> in the query
/// (adding it when the caller has exactly one), in a JSON body and in a <c>/api/workspaces/{id}</c> path (403 when it is
/// another's); and checks that a resource named by id belongs to an allowed workspace, answering 404 when it does not.
/// The services check the same again from the signed caller token.
/// </summary>
internal sealed class WorkspaceGuardMiddleware(RequestDelegate next, WorkspaceOwnership ownership, IOptionsMonitor<GatewayOptions> gateway)
{
    private const string Parameter = "workspaceId";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (context.User.Identity is not { IsAuthenticated: true }
            || !path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/api/session", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var isSession = SessionAuthentication.IsSession(context);
        var reads = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        if (!reads && isSession && !SameOrigin(context.Request))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused",
                "A session may only change things from the page the gateway serves (the Origin header named another site).");
            return;
        }
        if (!reads && OperatorClaims.RoleOf(context.User) == CallerRoles.Viewer
            && !path.Equals("/api/audiences/preview", StringComparison.OrdinalIgnoreCase))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed for this role",
                "A viewer key reads only; starting syncs, unifying, decisions and campaign changes need an operator key.");
            return;
        }
        var keyAllowed = OperatorClaims.AllowedWorkspaces(context.User);
        if (!isSession && keyAllowed is null)
        {
            await next(context); // a key for every workspace
            return;
        }
        if (reads && path.TrimEnd('/').Equals("/api/workspaces", StringComparison.OrdinalIgnoreCase))
        {
            await next(context); // the list a session chooses its workspace from (the orchestrator lists only the caller's)
            return;
        }
        if (path.StartsWith("/api/dead-letters", StringComparison.OrdinalIgnoreCase))
        {
            if (keyAllowed is null)
            {
                await next(context); // the session of a key for every workspace: the command center's dead-letter page
                return;
            }
            await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Not available to a workspace's key",
                "Dead letters are the queues of every workspace; they need a key for every workspace.");
            return;
        }
        IReadOnlyList<string> allowed;
        if (isSession)
        {
            if (SessionAuthentication.WorkspaceOf(context) is not { } chosen)
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "No workspace chosen",
                    "Choose the session's workspace with PUT /api/session/workspace before calling the API.");
                return;
            }
            allowed = [chosen];
        }
        else
        {
            allowed = keyAllowed!;
        }
        bool IsAllowed(string? workspace) => workspace is not null && allowed.Contains(workspace, StringComparer.Ordinal);

        var query = context.Request.Query[Parameter];
        if (query.Any(v => !IsAllowed(v)))
        {
            await Refuse(context, allowed, $"the {Parameter} query parameter");
            return;
        }
        if (query.Count == 0 && allowed.Count == 1)
        {
            context.Request.QueryString = context.Request.QueryString.Add(Parameter, allowed[0]);
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 3 && segments[1].Equals("workspaces", StringComparison.OrdinalIgnoreCase)
            && !IsAllowed(Uri.UnescapeDataString(segments[2])))
        {
            await Refuse(context, allowed, "the path");
            return;
        }
        if (await BodyWorkspace.ReadAsync(context.Request, gateway.CurrentValue.MaxRequestBodyBytes) is { } named && !IsAllowed(named))
        {
            await Refuse(context, allowed, $"the body's {Parameter}");
            return;
        }

        switch (await ownership.CheckAsync(path, allowed, context.RequestAborted))
        {
            case Ownership.NotOurs:
                await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found in this workspace",
                    $"{path} is not part of {Describe(allowed)}.");
                return;
            case Ownership.Unknown:
                await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Could not check the workspace",
                    $"The service that owns {path} did not answer, so the gateway could not check that it belongs to {Describe(allowed)}. Try again.");
                return;
            case Ownership.NoRule:
                await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Not available to a workspace's caller",
                    $"{path} names a resource by id and the gateway has no rule to check its workspace (Sessions/WorkspaceOwnership.cs); use a key for every workspace.");
                return;
        }
        await next(context);
    }

    private static string Describe(IReadOnlyList<string> allowed) =>
        allowed.Count == 1 ? $"workspace '{allowed[0]}'" : $"workspaces {string.Join(", ", allowed.Select(w => $"'{w}'"))}";

    private static Task Refuse(HttpContext context, IReadOnlyList<string> allowed, string where) =>
        GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Another workspace",
            SessionAuthentication.IsSession(context)
                ? $"This session works in {Describe(allowed)}, but {where} named another. Choose that workspace with PUT /api/session/workspace first."
                : $"This key may use {Describe(allowed)}, but {where} named another.");

    private static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
