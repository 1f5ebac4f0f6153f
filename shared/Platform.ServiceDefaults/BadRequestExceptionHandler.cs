using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Bad input is the caller's mistake, so it answers 400 naming what was wrong, never 500 and never an empty 400:
/// a query value of the wrong type (<c>?page=abc</c>), a missing or empty body, a body that is not JSON or is cut
/// short, a field of the wrong type (<c>"from": "yesterday"</c>). Minimal APIs throw
/// <see cref="BadHttpRequestException"/> for all of these (in every environment, see <see cref="Register"/>).
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }
        var (field, message) = Describe(bad);
        var status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = status,
                Title = "The request could not be read",
                Detail = message,
            },
        });
    }

    /// <summary>The parameter or body field at fault and a sentence a person can act on.</summary>
    internal static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            // The serializer says "could not be converted" for a readable value of the wrong type; anything else is broken JSON.
            var wrongType = field is not null && json.Message.Contains("could not be converted", StringComparison.Ordinal);
            return wrongType
                ? (field!, $"'{field}' has a value of the wrong type (numbers are plain numbers, dates are ISO 8601 such as 2026-01-31T00:00:00Z, lists are JSON arrays).")
                : ("body", $"The body is not valid JSON (empty, cut short or malformed{(field is null ? "" : $", near '{field}'")}); send a JSON object.");
        }
        // Minimal APIs name the parameter in the message: Failed to bind parameter "int page" from "abc".
        if (BindFailure().Match(bad.Message) is { Success: true } bind)
        {
            var name = bind.Groups["name"].Value;
            return (name, $"'{name}' must be a value of type {bind.Groups["type"].Value}; got '{Shorten(bind.Groups["value"].Value)}'.");
        }
        if (RequiredParameter().Match(bad.Message) is { Success: true } required)
        {
            var name = required.Groups["name"].Value;
            return (name, $"'{name}' is required.");
        }
        if (bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return ("body", "The request needs a JSON object as its body (Content-Type: application/json).");
        }
        return ("request", bad.Message);
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";

    /// <summary>Adds the handler and makes minimal APIs throw for bad input in every environment (not only Development).</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]*?)\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)" from "(?<value>.*)"\.?$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""Required parameter "(?<type>[^"]*?)\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)" was not provided""")]
    private static partial Regex RequiredParameter();
}
