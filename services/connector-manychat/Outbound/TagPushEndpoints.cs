using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Connectors.ManyChat.Outbound;

/// <summary>A tag push as operators see it: what was pushed, when, and ManyChat's answer.</summary>
public sealed record TagPushResponse(long Id, Guid ClientId, string Tag, string Rule, string Status, string? SubscriberId, int Attempts,
    string? Answer, string? Error, DateTimeOffset RequestedAt, DateTimeOffset? PushedAt);

public static class TagPushEndpoints
{
    /// <summary><c>GET /api/manychat/tag-pushes?workspaceId=&amp;clientId=</c>: the tags pushed to ManyChat, per client.</summary>
    public static IEndpointRouteBuilder MapManyChatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/manychat").WithTags("manychat").MapGet("/tag-pushes", ListAsync).WithName("list-manychat-tag-pushes");
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<TagPushResponse>>, ProblemHttpResult>> ListAsync(TagPushStore store, string? workspaceId,
        Guid? clientId, int? limit, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(workspaceId))
        {
            return TypedResults.Problem(statusCode: 400, title: "workspaceId is required", detail: "Tag pushes are listed one workspace at a time: add ?workspaceId=.");
        }
        if (limit is < 1 or > 500)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid limit", detail: "limit must be between 1 and 500.");
        }
        var rows = await store.ForClientAsync(workspaceId, clientId, limit ?? 100, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TagPushResponse>>([.. rows.Select(r => new TagPushResponse(r.Id, r.ClientId, r.Tag, r.Rule, r.Status,
            r.SubscriberId, r.Attempts, r.Answer, r.Error, r.RequestedAt, r.PushedAt))]);
    }
}
