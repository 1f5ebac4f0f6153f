namespace Platform.Gateway;

/// <summary>Writes the gateway's own errors as ProblemDetails (correlation id included by ServiceDefaults).</summary>
internal static class GatewayProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
}
