using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>The <c>X-Correlation-Id</c> header, carried from the gateway into logs and messages.</summary>
public static class CorrelationId
{
    public const string HeaderName = "X-Correlation-Id";
    internal const string ItemKey = "platform.correlation-id";

    /// <summary>The request's correlation id (set by the middleware; a new one outside a request).</summary>
    public static Guid Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var value) && value is Guid id ? id : Guid.NewGuid();
    }
}

internal sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers[CorrelationId.HeaderName].ToString();
        // Anything that is not a GUID is replaced: the id ends up in message headers and log scopes.
        var id = Guid.TryParse(header, out var parsed) ? parsed : Guid.NewGuid();
        context.Items[CorrelationId.ItemKey] = id;
        context.Request.Headers[CorrelationId.HeaderName] = id.ToString();
        context.Response.Headers[CorrelationId.HeaderName] = id.ToString();
        // On the request's span, and as baggage so the spans of the calls it makes carry it too.
        System.Diagnostics.Activity.Current?.SetTag("platform.correlation_id", id.ToString());
        System.Diagnostics.Activity.Current?.SetBaggage("correlation_id", id.ToString());
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
        {
            await next(context);
        }
    }
}
