using Refit;

namespace Platform.Connectors.ManyChat.Api;

/// <summary>
/// The ManyChat endpoints the connector calls (official Swagger at api.manychat.com/swagger). Every call carries the
/// page's token (<c>Bearer page_id:api_key</c>) and the workspace (for the per-workspace, per-endpoint rate limits).
/// Answers are read raw: ManyChat's envelope says success or error in <c>status</c>, whatever the HTTP status.
/// </summary>
public interface IManyChatApi
{
    /// <summary><c>GET /fb/subscriber/findBySystemField?email=|phone=</c>: one subscriber or empty data (50/s).</summary>
    [Get("/fb/subscriber/findBySystemField")]
    Task<HttpResponseMessage> FindBySystemFieldAsync([Query] string? email, [Query] string? phone,
        [Header("Authorization")] string authorization, [Property(ManyChatApiKeys.Workspace)] string workspaceId,
        [Property(ManyChatApiKeys.Endpoint)] string endpoint, CancellationToken cancellationToken);

    /// <summary><c>GET /fb/subscriber/getInfo?subscriber_id=</c> (10/s).</summary>
    [Get("/fb/subscriber/getInfo")]
    Task<HttpResponseMessage> GetInfoAsync([AliasAs("subscriber_id")] string subscriberId,
        [Header("Authorization")] string authorization, [Property(ManyChatApiKeys.Workspace)] string workspaceId,
        [Property(ManyChatApiKeys.Endpoint)] string endpoint, CancellationToken cancellationToken);

    /// <summary><c>POST /fb/subscriber/addTagByName {subscriber_id, tag_name}</c> (10/s).</summary>
    [Post("/fb/subscriber/addTagByName")]
    Task<HttpResponseMessage> AddTagByNameAsync([Body] AddTagByNameRequest request,
        [Header("Authorization")] string authorization, [Property(ManyChatApiKeys.Workspace)] string workspaceId,
        [Property(ManyChatApiKeys.Endpoint)] string endpoint, CancellationToken cancellationToken);

    /// <summary><c>POST /fb/sending/sendFlow {subscriber_id, flow_ns}</c> (20/s).</summary>
    [Post("/fb/sending/sendFlow")]
    Task<HttpResponseMessage> SendFlowAsync([Body] SendFlowRequest request,
        [Header("Authorization")] string authorization, [Property(ManyChatApiKeys.Workspace)] string workspaceId,
        [Property(ManyChatApiKeys.Endpoint)] string endpoint, CancellationToken cancellationToken);
}

/// <summary>Body of sendFlow.</summary>
public sealed record SendFlowRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("subscriber_id")] string SubscriberId,
    [property: System.Text.Json.Serialization.JsonPropertyName("flow_ns")] string FlowNs);

/// <summary>Body of addTagByName.</summary>
public sealed record AddTagByNameRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("subscriber_id")] string SubscriberId,
    [property: System.Text.Json.Serialization.JsonPropertyName("tag_name")] string TagName);

/// <summary>Request option names (must match <c>SourceRequest.Workspace</c> for the SDK's handlers).</summary>
public static class ManyChatApiKeys
{
    public const string Workspace = "platform.workspace";
    public const string Endpoint = "manychat.endpoint";
}
