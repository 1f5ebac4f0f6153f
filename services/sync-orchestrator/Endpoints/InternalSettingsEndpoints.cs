using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Sources;
using Platform.SyncOrchestrator.Domain.Connections;

namespace Platform.SyncOrchestrator.Endpoints;

/// <summary>Every workspace's settings of one source, secrets decrypted, by configuration key.</summary>
internal sealed record ConnectorSettingsResponse(string Source, IReadOnlyDictionary<string, Dictionary<string, string>> Workspaces);

internal sealed record WriteSecretRequest(string? Value);

/// <summary>
/// What connectors call (never routed by the gateway: <c>/internal</c> is reachable only inside the deployment).
/// Connectors load their workspaces' settings from here and write back what they must persist.
/// </summary>
internal static class InternalSettingsEndpoints
{
    public static IEndpointRouteBuilder MapInternalSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").WithTags("Internal").ExcludeFromDescription();
        group.MapGet("/sources/{source}/settings", GetSettingsAsync);
        group.MapPut("/workspaces/{workspaceId}/sources/{source}/secrets/{field}", WriteSecretAsync);
        return app;
    }

    public static async Task<Results<Ok<ConnectorSettingsResponse>, ProblemHttpResult>> GetSettingsAsync(string source, ConnectionStore store,
        CancellationToken cancellationToken)
    {
        if (SourceSpecs.For(source) is not { } spec)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source", detail: $"'{source}' is not a source.");
        }
        return TypedResults.Ok(new ConnectorSettingsResponse(spec.Source, await store.ForConnectorAsync(spec, cancellationToken)));
    }

    /// <summary>Only fields the spec marks writable by the connector (a rotated OAuth refresh token).</summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> WriteSecretAsync(string workspaceId, string source,
        string field, WriteSecretRequest? request, ConnectionStore store, ILogger<ConnectionStore> logger, CancellationToken cancellationToken)
    {
        if (SourceSpecs.For(source) is not { } spec)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source", detail: $"'{source}' is not a source.");
        }
        if (spec.Field(field) is not { ConnectorWritable: true, Secret: true } writable)
        {
            return Problems.Invalid("field", $"'{field}' is not a {spec.Title} setting a connector may write; writable: " +
                string.Join(", ", spec.Fields.Where(f => f.ConnectorWritable).Select(f => f.ConfigKey)) + ".", "The write-back is refused");
        }
        if (string.IsNullOrWhiteSpace(request?.Value) || request.Value.Length > SourceSettingsValidator.MaxValueLength)
        {
            return Problems.Invalid("value", $"The body needs a non-empty value of at most {SourceSettingsValidator.MaxValueLength} characters.",
                "The write-back is refused");
        }
        if (!await store.WriteSecretAsync(workspaceId, spec.Source, writable.Name, request.Value.Trim(), cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not connected",
                detail: $"{spec.Source} is not connected for workspace '{workspaceId}'.");
        }
        logger.LogInformation("connector-{Source} wrote back {Field} of workspace {Workspace}", spec.Source, writable.Name, workspaceId);
        return TypedResults.NoContent();
    }
}
