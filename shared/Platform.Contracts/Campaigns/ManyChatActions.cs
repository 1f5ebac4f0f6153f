namespace Platform.Contracts.Campaigns;

/// <summary>
/// Sent by <c>campaigns</c> to the ManyChat connector's queue (<c>ConnectorQueues.For("manychat")</c>) to run a flow
/// for one subscriber (ManyChat <c>POST /fb/sending/sendFlow</c>) or to add a tag to them (<c>POST /fb/subscriber/addTagByName</c>).
/// The connector uses the workspace's ManyChat credentials, respects ManyChat's rate limit, and answers every command
/// with exactly one <see cref="ManyChatActionCompleted"/> or <see cref="ManyChatActionFailed"/> carrying the same
/// <see cref="ActionId"/>. Delivered at least once: the connector keys on <see cref="ActionId"/> and never calls
/// ManyChat twice for one (a redelivered command is answered again from what it recorded).
/// </summary>
public sealed record RunManyChatAction
{
    /// <summary>The tenant (whose ManyChat credentials are used).</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id of the campaign execution.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>Idempotency key: the campaign recipient (one person at one step of one execution).</summary>
    public required Guid ActionId { get; init; }
    /// <summary>The campaign, for the connector's records.</summary>
    public required Guid CampaignId { get; init; }
    /// <summary>The platform client being messaged.</summary>
    public required Guid ClientId { get; init; }
    /// <summary>The ManyChat subscriber id (identifier kind <c>manychat_subscriber_id</c>).</summary>
    public required string SubscriberId { get; init; }
    /// <summary><see cref="ManyChatActionKinds.SendFlow"/> or <see cref="ManyChatActionKinds.AddTag"/>.</summary>
    public required string Kind { get; init; }
    /// <summary>The flow namespace (<c>content20240101000000_000000</c>) for <c>send_flow</c>.</summary>
    public string? FlowNs { get; init; }
    /// <summary>The tag name for <c>add_tag</c>.</summary>
    public string? TagName { get; init; }
}

/// <summary>The kinds of <see cref="RunManyChatAction"/>.</summary>
public static class ManyChatActionKinds
{
    /// <summary>Run a flow for the subscriber (<c>sendFlow</c>).</summary>
    public const string SendFlow = "send_flow";
    /// <summary>Add a tag, by name, to the subscriber (<c>addTagByName</c>).</summary>
    public const string AddTag = "add_tag";
}

/// <summary>Published by the ManyChat connector when ManyChat accepted a <see cref="RunManyChatAction"/> (HTTP 2xx, <c>status: success</c>).</summary>
public sealed record ManyChatActionCompleted
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id carried from the command.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The command's <see cref="RunManyChatAction.ActionId"/>.</summary>
    public required Guid ActionId { get; init; }
    /// <summary>When ManyChat accepted it.</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}

/// <summary>
/// Published by the ManyChat connector when a <see cref="RunManyChatAction"/> failed for good (unknown subscriber, flow
/// or tag; the 24-hour window closed; credentials rejected; retries exhausted).
/// </summary>
public sealed record ManyChatActionFailed
{
    /// <summary>The tenant.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Correlation id carried from the command.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The command's <see cref="RunManyChatAction.ActionId"/>.</summary>
    public required Guid ActionId { get; init; }
    /// <summary>What went wrong, for a person ("ManyChat answered 400: subscriber 123 does not exist"); no personal data.</summary>
    public required string Reason { get; init; }
    /// <summary>When it failed.</summary>
    public required DateTimeOffset FailedAt { get; init; }
}
