using Platform.Connectors.Backfill;

namespace Platform.Connectors.Http;

/// <summary>
/// Puts the workspace's credential on each request: <c>Authorization: Bearer {ApiKey}</c> (Stripe) or a vendor header
/// such as <c>User-Key</c> (Ploomes). The value is read from <see cref="ConnectorCredentials"/> at every request, so a
/// rotated key applies at once. A workspace without it fails with <c>credentials_missing</c> naming the setting.
/// </summary>
public sealed class CredentialHeaderHandler(ConnectorCredentials credentials, string field, string header, string sourceName, bool bearer = false)
    : DelegatingHandler
{
    /// <summary><c>Authorization: Bearer</c> from the credential field <paramref name="field"/>.</summary>
    public static CredentialHeaderHandler Bearer(ConnectorCredentials credentials, string field, string sourceName) =>
        new(credentials, field, "Authorization", sourceName, bearer: true);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = SourceRequest.WorkspaceOf(request);
        var value = credentials.For(workspace)[field];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{workspace}' has no {sourceName} {field}: set Connectors:{credentials.Source}:Workspaces:{workspace}:{field} " +
                $"(environment Connectors__{credentials.Source}__Workspaces__{workspace}__{field}) and run the sync again.");
        }
        request.Headers.Remove(header);
        if (bearer)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", value);
        }
        else
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
