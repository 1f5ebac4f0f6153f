using Microsoft.Net.Http.Headers;
using Platform.Gateway.Authentication;
using Platform.Gateway.Sessions;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Services learn who called from <c>X-Operator</c>, which only the gateway sets; operator keys and session cookies
/// stop here so they never reach a service or its logs.
/// </summary>
internal static class OperatorHeaderTransform
{
    public static void Apply(TransformBuilderContext context)
    {
        context.AddRequestHeaderRemove(OperatorAuthentication.ApiKeyHeader);
        context.AddRequestHeaderRemove(OperatorAuthentication.OperatorHeader);
        context.AddRequestHeaderRemove(HeaderNames.Cookie);
        context.AddRequestTransform(SetOperatorAsync);
    }

    private static ValueTask SetOperatorAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        if (http.User.Identity is { IsAuthenticated: true, AuthenticationType: OperatorAuthentication.Scheme or SessionAuthentication.Scheme, Name: { } name })
        {
            context.ProxyRequest.Headers.TryAddWithoutValidation(OperatorAuthentication.OperatorHeader, name);
            if (http.Items.ContainsKey(OperatorAuthentication.KeyInAuthorizationHeaderItem))
            {
                RequestTransform.RemoveHeader(context, HeaderNames.Authorization);
            }
        }
        return ValueTask.CompletedTask;
    }
}
