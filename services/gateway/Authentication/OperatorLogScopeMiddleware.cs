namespace Platform.Gateway.Authentication;

/// <summary>Adds the authenticated operator's key name to every log line of the request.</summary>
internal sealed class OperatorLogScopeMiddleware(RequestDelegate next, ILogger<OperatorLogScopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity is not { IsAuthenticated: true, Name: { } name })
        {
            await next(context);
            return;
        }
        using (logger.BeginScope(new Dictionary<string, object> { ["Operator"] = name }))
        {
            await next(context);
        }
    }
}
