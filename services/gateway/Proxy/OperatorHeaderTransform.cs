using Microsoft.Net.Http.Headers;
using Platform.Gateway.Authentication;
using Platform.Gateway.Sessions;
using Platform.ServiceDefaults.Callers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Services learn who called from a short-lived signed caller token (<c>X-Platform-Caller</c>: name, role, workspaces)
/// that only the gateway can make; operator keys, session cookies and any caller header a client sent stop here so
/// they never reach a service or its logs. A session's token names only the workspace the session chose.
/// </summary>
internal static class OperatorHeaderTransform
{
    public static void Apply(TransformBuilderContext context)
    {
        context.AddRequestHeaderRemove(OperatorAuthentication.ApiKeyHeader);
        context.AddRequestHeaderRemove(OperatorAuthentication.OperatorHeader);
        context.AddRequestHeaderRemove(PlatformCaller.Header);
        context.AddRequestHeaderRemove(HeaderNames.Cookie);
        context.AddRequestTransform(SignCallerAsync);
    }

    private static ValueTask SignCallerAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        if (http.User.Identity is { IsAuthenticated: true, AuthenticationType: OperatorAuthentication.Scheme or SessionAuthentication.Scheme, Name: { } name })
        {
            if (http.RequestServices.GetRequiredService<InternalTokens>().Sign(name, OperatorClaims.RoleOf(http.User), EffectiveWorkspaces(http)) is { } token)
            {
                context.ProxyRequest.Headers.TryAddWithoutValidation(PlatformCaller.Header, token);
            }
            if (http.Items.ContainsKey(OperatorAuthentication.KeyInAuthorizationHeaderItem))
            {
                RequestTransform.RemoveHeader(context, HeaderNames.Authorization);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A session works in the workspace it chose; a key in those it was given (null: all).</summary>
    public static IReadOnlyList<string>? EffectiveWorkspaces(HttpContext http) =>
        SessionAuthentication.IsSession(http) && SessionAuthentication.WorkspaceOf(http) is { } chosen
            ? [chosen]
            : OperatorClaims.AllowedWorkspaces(http.User);
}
