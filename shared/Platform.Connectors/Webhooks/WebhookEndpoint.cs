using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Platform.Connectors.Backfill;
using Platform.Connectors.Staging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Connectors.Webhooks;

/// <summary>Webhook intake settings (<c>Connector:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Largest body accepted; more is answered 413 and nothing is staged.</summary>
    public long MaxBodyBytes { get; set; } = 512 * 1024;
}

/// <summary>Answer to an accepted delivery.</summary>
/// <param name="EventId">The vendor event id.</param>
/// <param name="Duplicate">Seen before: nothing was staged again.</param>
/// <param name="Staged">Rows staged by this delivery.</param>
public sealed record WebhookAccepted(string EventId, bool Duplicate, int Staged);

public static class WebhookEndpoint
{
    /// <summary>POST /webhooks/{source}/{workspaceId}: verify, stage, answer 2xx only after commit.</summary>
    public static IEndpointRouteBuilder MapWebhookEndpoint(this IEndpointRouteBuilder app, ConnectorDescriptor connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        app.MapPost($"/webhooks/{connector.Source}/{{workspaceId}}", ReceiveAsync)
            .WithName($"{connector.Source}-webhook")
            .WithTags("webhooks");
        return app;
    }

    private static async Task<Results<Ok<WebhookAccepted>, ProblemHttpResult>> ReceiveAsync(
        string workspaceId,
        HttpContext http,
        IWebhookReceiver receiver,
        ConnectorCredentials credentials,
        StagingStore staging,
        WebhookOptions options,
        TimeProvider clock,
        ILogger<WebhookOptions> logger,
        CancellationToken cancellationToken)
    {
        var section = credentials.For(workspaceId);
        if (!section.Exists())
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown workspace",
                $"Workspace '{workspaceId}' has no {credentials.Source} credentials configured on this connector.");
        }

        var body = await ReadBodyAsync(http.Request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Webhook body too large",
                $"The body is larger than the {options.MaxBodyBytes} bytes this endpoint accepts; nothing was staged.");
        }

        var request = new WebhookRequest(workspaceId, http.Request.Headers, body, section, clock.GetUtcNow());
        var verdict = receiver.Verify(request);
        PlatformMetrics.WebhookVerified(credentials.Source, verdict.Accepted);
        if (!verdict.Accepted)
        {
            logger.LogWarning("Refused {Source} webhook for workspace {Workspace}: {Reason}", credentials.Source, workspaceId, verdict.RefusalReason);
            return Problem(StatusCodes.Status401Unauthorized, "Webhook signature refused", verdict.RefusalReason!);
        }

        var context = new StagingContext(workspaceId, CorrelationId.Get(http));
        // A redelivery is answered before mapping, which may call the source's API (Ploomes re-reads the entity).
        if (await staging.IsKnownWebhookEventAsync(workspaceId, verdict.EventId, cancellationToken))
        {
            return TypedResults.Ok(new WebhookAccepted(verdict.EventId, Duplicate: true, Staged: 0));
        }

        IReadOnlyList<StagedRecordInput> records;
        try
        {
            records = await receiver.MapAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is WebhookPayloadException or JsonException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Webhook body cannot be mapped",
                $"Event {verdict.EventId} ({verdict.EventType}): {ex.Message}");
        }
        catch (SourceException ex)
        {
            // Not recorded: the vendor retries, and the source may be back (or the key replaced) by then.
            return Problem(StatusCodes.Status503ServiceUnavailable, "The source could not be read for this webhook",
                $"Event {verdict.EventId} ({verdict.EventType}) was not staged: {ex.Message}");
        }

        var result = await staging.StageWebhookAsync(context, verdict.EventId, verdict.EventType, request.BodyText, records, cancellationToken);
        logger.LogInformation("{Source} webhook {EventId} ({EventType}) for {Workspace}: {Staged} staged, duplicate {Duplicate}",
            credentials.Source, verdict.EventId, verdict.EventType, workspaceId, result.NewRows, result.Duplicate);
        return TypedResults.Ok(new WebhookAccepted(verdict.EventId, result.Duplicate, result.NewRows));
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
