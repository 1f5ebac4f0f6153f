using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Platform.Connectors.LiveSettings;

/// <summary>What the sync orchestrator calls on a connector about settings (not routed by the gateway).</summary>
public static class SettingsEndpoints
{
    /// <summary>Bound on one check: one vendor call per stream, behind the connector's retries.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(25);

    /// <summary><c>POST /internal/settings/refresh</c> and <c>POST /internal/check/{workspaceId}</c>.</summary>
    public static IEndpointRouteBuilder MapSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").WithTags("internal").ExcludeFromDescription();
        group.MapPost("/settings/refresh", RefreshAsync);
        group.MapPost("/check/{workspaceId}", CheckAsync);
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RefreshAsync(SourceSettingsRefresher refresher, CancellationToken cancellationToken)
    {
        var problem = await refresher.RefreshAsync(cancellationToken);
        return problem is null ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Settings not refreshed", detail: problem);
    }

    /// <summary>Reads the settings first, so a check right after a PUT sees what was just stored.</summary>
    private static async Task<Ok<SourceCheckResult>> CheckAsync(string workspaceId, SourceSettingsRefresher refresher, ISourceCheck check,
        ConnectorCredentials credentials, CancellationToken cancellationToken)
    {
        await refresher.RefreshAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            return TypedResults.Ok(await check.CheckAsync(workspaceId, credentials.For(workspaceId), timeout.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Ok(SourceCheckResult.Failed(
                $"{credentials.Source} did not answer within {CheckTimeout.TotalSeconds:0} s (the connector retried; the vendor may be down or rate limiting)."));
        }
    }
}
