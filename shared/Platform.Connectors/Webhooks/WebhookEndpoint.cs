using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
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
    /// <summary>Title of the one answer given to an unknown workspace and to a delivery that does not verify.</summary>
    public const string RefusedTitle = "Webhook refused";

    /// <summary>Detail of that answer: the same words whatever the cause, so the answer does not list workspaces.</summary>
    public const string RefusedDetail =
        "The delivery was not accepted: either this connector has no such workspace or the signature does not verify under its credentials. Nothing was staged.";

    /// <summary>
    /// POST /webhooks/{source}/{workspaceId}: verify, stage, answer 2xx only after commit. With
    /// <paramref name="locatesWorkspace"/> (the receiver is an <see cref="IWebhookWorkspaceLocator"/>) also
    /// POST /webhooks/{source}, the workspace found from the body.
    /// </summary>
    public static IEndpointRouteBuilder MapWebhookEndpoint(this IEndpointRouteBuilder app, ConnectorDescriptor connector, bool locatesWorkspace = false)
    {
        ArgumentNullException.ThrowIfNull(connector);
        app.MapPost($"/webhooks/{connector.Source}/{{workspaceId}}", ReceiveForWorkspaceAsync)
            .WithName($"{connector.Source}-webhook")
            .WithTags("webhooks");
        if (locatesWorkspace)
        {
            app.MapPost($"/webhooks/{connector.Source}", ReceiveLocatedAsync)
                .WithName($"{connector.Source}-webhook-located")
                .WithTags("webhooks");
        }
        return app;
    }

    private static Task<Results<Ok<WebhookAccepted>, ProblemHttpResult>> ReceiveForWorkspaceAsync(
        string workspaceId, HttpContext http, CancellationToken cancellationToken) =>
        ReceiveAsync(workspaceId, http, cancellationToken);

    private static Task<Results<Ok<WebhookAccepted>, ProblemHttpResult>> ReceiveLocatedAsync(
        HttpContext http, CancellationToken cancellationToken) =>
        ReceiveAsync(null, http, cancellationToken);

    private static async Task<Results<Ok<WebhookAccepted>, ProblemHttpResult>> ReceiveAsync(
        string? workspaceFromUrl, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var receiver = services.GetRequiredService<IWebhookReceiver>();
        var credentials = services.GetRequiredService<ConnectorCredentials>();
        var options = services.GetRequiredService<WebhookOptions>();
        var clock = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<WebhookOptions>>();
        var source = credentials.Source;

        // The size is checked before the workspace, so a 413 says nothing about which workspaces exist.
        var body = await ReadBodyAsync(http.Request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Webhook body too large",
                $"The body is larger than the {options.MaxBodyBytes} bytes this endpoint accepts; nothing was staged.");
        }

        var workspaceId = workspaceFromUrl ?? Locate(receiver, credentials, body, http.Request.Headers, logger);
        var section = workspaceId is null ? null : credentials.For(workspaceId);
        if (workspaceId is null || section is null || !section.GetChildren().Any())
        {
            logger.LogWarning("Refused {Source} webhook: workspace {Workspace} is not configured on this connector", source, workspaceId ?? "(none in body)");
            return Refused(source);
        }

        var request = new WebhookRequest(workspaceId, http.Request.Headers, body, section, clock.GetUtcNow());
        WebhookVerdict verdict;
        try
        {
            verdict = await receiver.VerifyAsync(request, cancellationToken);
        }
        catch (SourceException ex)
        {
            // Asynchronous verification (PayPal) could not reach the vendor: the vendor retries later.
            return Problem(StatusCodes.Status503ServiceUnavailable, "The webhook could not be verified now",
                $"The vendor's verification could not be reached; nothing was staged: {ex.Message}");
        }
        PlatformMetrics.WebhookVerified(source, verdict.Accepted);
        switch (verdict.Kind)
        {
            case WebhookVerdictKind.Refused:
                logger.LogWarning("Refused {Source} webhook for workspace {Workspace}: {Reason}", source, workspaceId, verdict.RefusalReason);
                return Refused(source);
            case WebhookVerdictKind.Malformed:
                return Problem(StatusCodes.Status400BadRequest, "Webhook body cannot be read",
                    $"The delivery is signed correctly but cannot be read; nothing was staged: {verdict.RefusalReason}");
        }
        if (!IsJson(body))
        {
            return Problem(StatusCodes.Status400BadRequest, "Webhook body is not JSON",
                $"The delivery is signed correctly but its body is not JSON; nothing was staged (event {verdict.EventId}).");
        }

        // Verification saw the raw body; everything after it (mapping, storage) sees the body without vendor secrets.
        request = request with { Body = WebhookBodies.Redact(body, receiver.SecretFields) };
        var staging = services.GetRequiredService<StagingStore>();
        // A redelivery is answered before a mapping that calls the source's API (Ploomes re-reads the entity); other
        // sources' redeliveries are found by the staging transaction's insert of the event id.
        if (receiver.MapCallsSource && !verdict.IdentifiedByContent
            && await staging.IsKnownWebhookEventAsync(workspaceId, verdict.EventId, cancellationToken))
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

        var eventId = verdict.IdentifiedByContent ? WebhookBodies.ContentEventId(verdict.EventId, records) : verdict.EventId;
        var context = new StagingContext(workspaceId, CorrelationId.Get(http));
        var result = await staging.StageWebhookAsync(context, eventId, verdict.EventType, request.BodyText, records, cancellationToken);
        logger.LogInformation("{Source} webhook {EventId} ({EventType}) for {Workspace}: {Staged} staged, duplicate {Duplicate}",
            source, eventId, verdict.EventType, workspaceId, result.NewRows, result.Duplicate);
        return TypedResults.Ok(new WebhookAccepted(eventId, result.Duplicate, result.NewRows));
    }

    /// <summary>The one workspace whose credentials list the account the body names; null when none or several do.</summary>
    private static string? Locate(IWebhookReceiver receiver, ConnectorCredentials credentials, ReadOnlyMemory<byte> body,
        IHeaderDictionary headers, ILogger logger)
    {
        if (receiver is not IWebhookWorkspaceLocator locator)
        {
            return null;
        }
        var account = locator.AccountOf(body, headers);
        if (string.IsNullOrWhiteSpace(account))
        {
            return null;
        }
        var workspaces = credentials.WorkspacesListing(locator.AccountFields, account);
        if (workspaces.Count > 1)
        {
            logger.LogWarning("{Source} webhook for account {Account} refused: workspaces {Workspaces} all list it in {Field}",
                credentials.Source, account, string.Join(", ", workspaces), string.Join(" or ", locator.AccountFields));
            return null;
        }
        return workspaces.Count == 1 ? workspaces[0] : null;
    }

    private static bool IsJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
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

    /// <summary>The same status, title, detail and instance for an unknown workspace and a delivery that does not verify.</summary>
    private static ProblemHttpResult Refused(string source) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: RefusedTitle, detail: RefusedDetail,
            instance: $"/webhooks/{source}");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
