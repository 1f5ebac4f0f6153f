namespace Platform.Gateway.Authentication;

/// <summary>Names shared by the API-key handler, the authorization policy and the proxy transforms.</summary>
internal static class OperatorAuthentication
{
    public const string Scheme = "ApiKey";
    public const string Policy = "operator";
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Who made the call, as forwarded to services; never taken from the client.</summary>
    public const string OperatorHeader = "X-Operator";

    /// <summary>Set when the key arrived as <c>Authorization: Bearer</c>, so that header is not forwarded either.</summary>
    internal const string KeyInAuthorizationHeaderItem = "gateway.api-key-in-authorization";
}
