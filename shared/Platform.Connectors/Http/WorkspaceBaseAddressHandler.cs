namespace Platform.Connectors.Http;

/// <summary>
/// Sends a workspace's requests to the API base address its source settings name (<c>baseAddress</c>, stored through
/// <c>PUT /api/workspaces/{id}/sources/{source}</c>; configuration key <c>BaseAddress</c>), when they name one: a
/// workspace connected to the source simulator, or to a vendor's sandbox, beside workspaces on the vendor itself. The
/// setting is read at every request, so a change applies without a restart. Only requests under the connector's
/// default base address are moved (an OAuth token endpoint of another host stays where it is); a setting that is not
/// an absolute http(s) address is ignored (the orchestrator refuses one when it is stored).
/// </summary>
/// <remarks>Without <see cref="ConnectorCredentials"/> (a client built alone, in tests) it passes every request on.</remarks>
public sealed class WorkspaceBaseAddressHandler(ConnectorCredentials? credentials, Uri defaultBase) : DelegatingHandler
{
    /// <summary>The configuration key of the setting (the spec's <c>baseAddress</c>).</summary>
    public const string Field = "BaseAddress";

    private readonly string _default = WithSlash(defaultBase ?? throw new ArgumentNullException(nameof(defaultBase))).AbsoluteUri;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (credentials is not null && request.RequestUri is { IsAbsoluteUri: true } uri
            && uri.AbsoluteUri.StartsWith(_default, StringComparison.OrdinalIgnoreCase)
            && credentials.For(SourceRequest.WorkspaceOf(request))[Field] is { Length: > 0 } configured
            && Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var workspaceBase)
            && workspaceBase.Scheme is "http" or "https")
        {
            request.RequestUri = new Uri(WithSlash(workspaceBase), uri.AbsoluteUri[_default.Length..]);
        }
        return base.SendAsync(request, cancellationToken);
    }

    private static Uri WithSlash(Uri address) =>
        address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
