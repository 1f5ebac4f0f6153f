using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Callers;

/// <summary>
/// Refuses a call to <c>/api</c>, <c>/internal</c> or <c>/dead-letters</c> that does not carry a valid caller token
/// (401): only the gateway and the platform's services hold the key, so a request that reached a service port
/// directly is turned away. For a verified caller it then enforces, the same way in every service:
/// <list type="bullet">
/// <item>the role: a viewer only reads; workspaces are changed by admins; <c>/internal</c> and <c>/dead-letters</c>
/// are for services;</item>
/// <item>the workspaces: a <c>workspaceId</c> in the query, the JSON body or a <c>/api/workspaces/{id}</c> path
/// outside the caller's workspaces is 403; a caller of one workspace gets it added to the query when missing; a
/// JSON object answered to a GET whose <c>workspaceId</c> is another workspace's becomes a 404.</item>
/// </list>
/// Expiry is judged by the wall clock, not the host's <see cref="TimeProvider"/>: a token travels between processes.
/// The verified name replaces any <c>X-Operator</c> header, so services that record who acted can trust it.
/// </summary>
internal sealed partial class CallerVerificationMiddleware(
    RequestDelegate next, IOptionsMonitor<InternalAuthOptions> options, ILogger<CallerVerificationMiddleware> logger)
{
    private const string OperatorHeader = "X-Operator";
    private const string WorkspaceParameter = "workspaceId";
    private const long MaxInspectedBody = 1_048_576;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var isApi = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        var isServiceOnly = path.StartsWithSegments("/internal", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/dead-letters", StringComparison.OrdinalIgnoreCase);
        var settings = options.CurrentValue;
        if (!settings.VerifyIncoming || (!isApi && !isServiceOnly))
        {
            await next(context);
            return;
        }
        context.Request.Headers.Remove(OperatorHeader);
        if (!settings.HasUsableKey)
        {
            LogNoKey(logger, InternalAuthOptions.Section);
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Call through the gateway",
                "This service has no internal key (Platform:InternalAuth:Key), so it cannot tell the gateway's calls from anyone else's and refuses them all.");
            return;
        }
        var caller = CallerToken.Verify(context.Request.Headers[PlatformCaller.Header].ToString(), settings.Key!, DateTimeOffset.UtcNow, out var reason);
        if (caller is null)
        {
            LogRefused(logger, path.Value ?? "", reason ?? "missing");
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Call through the gateway",
                "This service answers only calls that come through the platform's gateway (a signed, short-lived caller token was " +
                (context.Request.Headers.ContainsKey(PlatformCaller.Header) ? $"sent but is {reason})." : "not sent)."));
            return;
        }
        context.Items[typeof(PlatformCaller)] = caller;
        context.User = caller.ToPrincipal();
        context.Request.Headers[OperatorHeader] = caller.Name;

        if (RoleRefusal(caller, context.Request, isServiceOnly) is { } refusal)
        {
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed for this role", refusal);
            return;
        }
        if (caller.AllWorkspacesAllowed)
        {
            await next(context);
            return;
        }
        if (await WorkspaceRefusalAsync(caller, context) is { } where)
        {
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Another workspace",
                $"This key may use workspaces {string.Join(", ", caller.Workspaces!)}, but {where} named another.");
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await AnswerOnlyOwnAsync(context, caller);
            return;
        }
        await next(context);
    }

    /// <summary>Why the caller's role may not make this call, or null when it may.</summary>
    private static string? RoleRefusal(PlatformCaller caller, HttpRequest request, bool isServiceOnly)
    {
        if (isServiceOnly)
        {
            return caller.Role == CallerRoles.Service ? null : $"{request.Path} is for the platform's services, not operators.";
        }
        var reads = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || IsReadOnlyPost(request);
        if (caller.Role == CallerRoles.Viewer && !reads)
        {
            return "A viewer key reads only; starting syncs, unifying, decisions and campaign changes need an operator key.";
        }
        if (caller.Role == CallerRoles.Operator && !reads
            && request.Path.StartsWithSegments("/api/workspaces", StringComparison.OrdinalIgnoreCase)
            && !request.Path.Value!.EndsWith("/check", StringComparison.OrdinalIgnoreCase))
        {
            return "Creating or changing a workspace or its source credentials needs an admin key.";
        }
        return null;
    }

    /// <summary>POSTs that only compute an answer (a preview) are reads.</summary>
    private static bool IsReadOnlyPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals("/api/audiences/preview", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where the request named a workspace the caller may not use, or null.</summary>
    private static async Task<string?> WorkspaceRefusalAsync(PlatformCaller caller, HttpContext context)
    {
        var request = context.Request;
        var query = request.Query[WorkspaceParameter];
        if (query.Any(v => !caller.CanAccess(v)))
        {
            return $"the {WorkspaceParameter} query parameter";
        }
        if (query.Count == 0 && caller.Workspaces!.Count == 1)
        {
            request.QueryString = request.QueryString.Add(WorkspaceParameter, caller.Workspaces[0]);
        }
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 3 && segments[1].Equals("workspaces", StringComparison.OrdinalIgnoreCase)
            && !caller.CanAccess(Uri.UnescapeDataString(segments[2])))
        {
            return "the path";
        }
        if (await BodyWorkspace.ReadAsync(request, MaxInspectedBody) is { } named && !caller.CanAccess(named))
        {
            return $"the body's {WorkspaceParameter}";
        }
        return null;
    }

    /// <summary>
    /// A resource read by id (<c>GET /api/clients/{id}</c>) does not name its workspace in the request; its answer does.
    /// The answer is held back and replaced by a 404 when its <c>workspaceId</c> is not one of the caller's.
    /// </summary>
    private async Task AnswerOnlyOwnAsync(HttpContext context, PlatformCaller caller)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        buffer.Position = 0;
        if (context.Response.StatusCode is >= 200 and < 300 && context.Response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            && OwnerOf(buffer) is { } owner && !caller.CanAccess(owner))
        {
            context.Response.Headers.ContentLength = null;
            await WriteAsync(context, StatusCodes.Status404NotFound, "Not found in your workspaces",
                $"{context.Request.Path} is not part of the workspaces this key may use.");
            return;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static string? OwnerOf(MemoryStream body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(WorkspaceParameter, out var owner) && owner.ValueKind == JsonValueKind.String
                ? owner.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "PlatformCaller";
        }
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService;
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = status, Title = title, Detail = detail },
            }))
        {
            await context.Response.WriteAsJsonAsync(new { status, title, detail });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call to {Path} without a valid caller token ({Reason})")]
    private static partial void LogRefused(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "No usable internal key ({Section}:Key, 32+ characters): every protected call is refused")]
    private static partial void LogNoKey(ILogger logger, string section);
}
