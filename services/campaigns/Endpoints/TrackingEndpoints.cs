using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Campaigns.Delivery;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Endpoints;

/// <summary>
/// What the people messaged reach (through the gateway, no key): the open pixel, tracked links and the unsubscribe
/// link. Tokens are random per recipient; a link redirects only to a link of the step's own email.
/// </summary>
internal static class TrackingEndpoints
{
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        var tracking = app.MapGroup("/t").WithTags("Tracking").ExcludeFromDescription();
        tracking.MapGet("/o/{token}.gif", OpenAsync).WithName("TrackOpen");
        tracking.MapGet("/c/{token}/{link:int}", ClickAsync).WithName("TrackClick");
        tracking.MapGet("/u/{token}", UnsubscribeAsync).WithName("Unsubscribe");
        return app;
    }

    /// <summary>Always the pixel (an unknown token is not told apart, so tokens cannot be probed).</summary>
    public static async Task<FileContentHttpResult> OpenAsync(string token, TrackingStore store)
    {
        await store.OpenedAsync(token);
        return TypedResults.File(Pixel, "image/gif");
    }

    public static async Task<Results<RedirectHttpResult, ProblemHttpResult>> ClickAsync(string token, int link, TrackingStore store, ExecutionStore executions)
    {
        var hit = await store.ClickedAsync(token);
        if (hit is not { } h)
        {
            return Http.NotFound("Unknown link", "This tracking link does not exist (or the message was never sent).");
        }
        var workflow = await executions.SnapshotAsync(h.ExecutionId, CancellationToken.None);
        var links = EmailComposer.Links(workflow.Node(h.StepId).Str("html") ?? "");
        return link >= 0 && link < links.Count
            ? TypedResults.Redirect(links[link])
            : Http.NotFound("Unknown link", $"The message has {links.Count} link(s); link {link} is not one of them.");
    }

    public static async Task<ContentHttpResult> UnsubscribeAsync(string token, TrackingStore store) =>
        await store.UnsubscribeAsync(token)
            ? TypedResults.Content("<!doctype html><title>Unsubscribed</title><p>You will not receive these campaigns any more.</p>", "text/html")
            : TypedResults.Content("<!doctype html><title>Unknown link</title><p>This unsubscribe link is not known.</p>", "text/html", statusCode: 404);
}
