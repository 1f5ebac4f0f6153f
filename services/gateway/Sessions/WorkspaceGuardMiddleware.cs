using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Sessions;

/// <summary>
/// A session works in the one workspace it chose. For every <c>/api</c> call made with a session cookie (API-key
/// calls are not limited), the gateway: refuses a cross-site write; sets <c>workspaceId</c> in the query (refusing a
/// different one there, in a JSON body or in a <c>/api/workspaces/{id}</c> path); and checks that a resource named
/// by id belongs to the workspace, answering 404 when it does not.
/// </summary>
internal sealed class WorkspaceGuardMiddleware(RequestDelegate next, WorkspaceOwnership ownership, IOptionsMonitor<GatewayOptions> gateway)
{
    private const string Parameter = "workspaceId";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!SessionAuthentication.IsSession(context)
            || !path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/api/session", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !SameOrigin(context.Request))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused",
                "A session may only change things from the page the gateway serves (the Origin header named another site).");
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method) && path.TrimEnd('/').Equals("/api/workspaces", StringComparison.OrdinalIgnoreCase))
        {
            await next(context); // the list a session chooses its workspace from
            return;
        }
        if (path.StartsWith("/api/dead-letters", StringComparison.OrdinalIgnoreCase))
        {
            // Every service's error queues hold messages of every workspace: reading or replaying them is not one workspace's call.
            await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Not available to sessions",
                "Dead-lettered messages belong to every workspace, so a session (which works in one) cannot read or replay them; use an operator API key.");
            return;
        }
        if (SessionAuthentication.WorkspaceOf(context) is not { } workspace)
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "No workspace chosen",
                "Choose the session's workspace with PUT /api/session/workspace before calling the API.");
            return;
        }

        var query = context.Request.Query[Parameter];
        if (query.Any(v => v != workspace))
        {
            await Refuse(context, workspace, $"the {Parameter} query parameter");
            return;
        }
        if (query.Count == 0)
        {
            context.Request.QueryString = context.Request.QueryString.Add(Parameter, workspace);
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 3 && segments[1].Equals("workspaces", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Uri.UnescapeDataString(segments[2]), workspace, StringComparison.Ordinal))
        {
            await Refuse(context, workspace, "the path");
            return;
        }
        if (await BodyWorkspaceAsync(context.Request, gateway.CurrentValue.MaxRequestBodyBytes) is { } named && named != workspace)
        {
            await Refuse(context, workspace, $"the body's {Parameter}");
            return;
        }

        switch (await ownership.CheckAsync(path, workspace, context.RequestAborted))
        {
            case Ownership.NotOurs:
                await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found in this workspace",
                    $"{path} is not part of workspace '{workspace}', the one this session works in.");
                return;
            case Ownership.Unknown:
                await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Could not check the workspace",
                    $"The service that owns {path} did not answer, so the gateway could not check that it belongs to workspace '{workspace}'. Try again.");
                return;
            case Ownership.NoRule:
                await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Not available to sessions",
                    $"{path} names a resource by id and the gateway has no rule to check its workspace (Sessions/WorkspaceOwnership.cs); use an API key.");
                return;
        }
        await next(context);
    }

    private static Task Refuse(HttpContext context, string workspace, string where) =>
        GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Another workspace",
            $"This session works in workspace '{workspace}', but {where} named another. Choose that workspace with PUT /api/session/workspace first.");

    private static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The <c>workspaceId</c> of a JSON object body, if it has one; the body stays readable for the proxy.</summary>
    private static async Task<string?> BodyWorkspaceAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength is 0 || request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true
            || request.ContentLength > limit)
        {
            return null;
        }
        request.EnableBuffering();
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            foreach (var property in body.RootElement.EnumerateObject())
            {
                if (property.Name.Equals(Parameter, StringComparison.OrdinalIgnoreCase))
                {
                    // A non-string workspaceId cannot be this workspace.
                    return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null; // the service answers malformed JSON with its own 400
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
