using Scalar.AspNetCore;

namespace Platform.Gateway.ApiDocs;

internal static class ApiDocsEndpoints
{
    /// <summary>
    /// <c>/openapi/v1.json</c> (the merged document; more specific than ServiceDefaults' <c>/openapi/{documentName}.json</c>,
    /// which still serves the gateway's own) and the API reference UI at <c>/docs</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/openapi/v1.json", async (MergedOpenApi merged, CancellationToken cancellationToken) =>
                Results.Text((await merged.BuildAsync(cancellationToken)).ToJsonString(), "application/json"))
            .ExcludeFromDescription().AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Customer data platform API")
            .WithOpenApiRoutePattern("/openapi/v1.json"))
            .AllowAnonymous();
        return app;
    }
}
