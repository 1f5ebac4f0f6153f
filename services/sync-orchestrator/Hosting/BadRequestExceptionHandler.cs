using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Platform.SyncOrchestrator.Hosting;

/// <summary>
/// A body that is not JSON, or a value of the wrong type (<c>"from": "yesterday"</c>), is a 400 naming the field,
/// not a 500: minimal APIs throw <see cref="BadHttpRequestException"/> for it (always, see the registration).
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var json = bad.InnerException as JsonException;
        var field = json?.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
        var message = json is null
            ? "The request needs a JSON object as its body (Content-Type: application/json)."
            : field == "body"
                ? $"The body is not valid JSON: {json.Message}"
                : $"'{field}' has a value of the wrong type (dates are ISO 8601, e.g. 2026-01-31T00:00:00Z; lists are JSON arrays).";
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = bad.StatusCode,
                Title = "The request could not be read",
                Detail = message,
            },
        });
    }

    public static void Register(IServiceCollection services)
    {
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Throw in every environment so the handler above answers, with the field, instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
    }
}
