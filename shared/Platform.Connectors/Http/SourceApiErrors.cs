using System.Net;
using Platform.Connectors.Backfill;
using Refit;

namespace Platform.Connectors.Http;

/// <summary>
/// How a source names itself in messages people read, and what to tell them when it refuses the credentials
/// (which setting to change). One per connector: <c>new SourceApiErrors("Ploomes", w => $"... UserKey ...")</c>.
/// </summary>
/// <param name="SourceName">The vendor as people know it (<c>Stripe</c>).</param>
/// <param name="CredentialsHint">Given the workspace, what to do about a 401/403 (which setting to change).</param>
public sealed record SourceApiErrors(string SourceName, Func<string, string>? CredentialsHint = null)
{
    /// <summary>
    /// The one mapping from a failed call to the SDK's source errors: 401/403 <c>credentials_invalid</c>, 429
    /// <c>rate_limited</c>, 5xx and transport failures <c>source_unavailable</c>, anything else (and a body that is not
    /// the expected JSON) <c>bad_response</c>. A <see cref="SourceException"/> raised by a handler (circuit open,
    /// missing credentials) is passed on as it is.
    /// </summary>
    public SourceException From(IApiResponse response, string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(response);
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}";
        if (response.HasRequestError(out var requestError))
        {
            return FromException(requestError, workspaceId, what);
        }
        var body = response.Error is ApiException { Content: { } content } ? content : null;
        if (response.IsSuccessStatusCode)
        {
            // 2xx with a body that is not what the interface expects.
            return new SourceException("bad_response",
                $"{SourceName} answered {what} with a body the connector cannot read: {response.Error?.InnerException?.Message ?? response.Error?.Message}. {Cut(body)}",
                response.Error);
        }
        return ForStatus(response.StatusCode ?? HttpStatusCode.ServiceUnavailable, workspaceId, what, body);
    }

    /// <summary>The error for a non-success status (also used by <see cref="SourceResponses.EnsureSuccessAsync"/>).</summary>
    public SourceException ForStatus(HttpStatusCode status, string workspaceId, string what, string? body)
    {
        var hint = CredentialsHint?.Invoke(workspaceId);
        return status switch
        {
            HttpStatusCode.Unauthorized => new SourceException("credentials_invalid",
                $"{SourceName} rejected the credentials of workspace '{workspaceId}' (401 on {what}): the key is wrong, expired or revoked. " +
                $"{hint ?? "Set new credentials for this workspace and run the sync again."} {Cut(body)}".TrimEnd()),
            HttpStatusCode.Forbidden => new SourceException("credentials_invalid",
                $"{SourceName} refused access for workspace '{workspaceId}' (403 on {what}): the key lacks a permission or was disabled. {hint} {Cut(body)}".TrimEnd()),
            HttpStatusCode.TooManyRequests => new SourceException("rate_limited",
                $"{SourceName} kept answering 429 (rate limited) on {what} after every retry; lower Connectors:{SourceName}:Http:RatePermits. {Cut(body)}".TrimEnd()),
            >= HttpStatusCode.InternalServerError => new SourceException("source_unavailable",
                $"{SourceName} answered {(int)status} on {what} after every retry. {Cut(body)}".TrimEnd()),
            _ => new SourceException("bad_response", $"{SourceName} answered {(int)status} on {what}: {Cut(body)}".TrimEnd()),
        };
    }

    /// <summary>A call that threw instead of answering (Refit raises transport failures when the method does not return IApiResponse).</summary>
    public SourceException FromException(Exception exception, string workspaceId, string what)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SourceException source)
            {
                return source;
            }
        }
        return new SourceException("source_unavailable",
            $"{SourceName} could not be reached for workspace '{workspaceId}' on {what} after every retry: {exception.InnerException?.Message ?? exception.Message}",
            exception);
    }

    private static string Cut(string? body) => body is null ? "" : body.Length > 300 ? body[..300] : body;
}

/// <summary>Reading the content of a Refit call or failing with the source's error.</summary>
public static class SourceApiResponses
{
    /// <summary>
    /// Awaits the call and returns its content (null for an empty 2xx body), or throws the <see cref="SourceException"/>
    /// <paramref name="errors"/> maps its failure to.
    /// </summary>
    public static async Task<T?> ContentOrThrowAsync<T>(this Task<IApiResponse<T>> call, SourceApiErrors errors, string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(errors);
        IApiResponse<T> response;
        try
        {
            response = await call;
        }
        catch (Exception ex) when (ex is ApiRequestException or HttpRequestException or IOException or SourceException)
        {
            throw errors.FromException(ex, workspaceId, "a request");
        }
        using (response)
        {
            if (response.IsSuccessful)
            {
                return response.Content;
            }
            if (response.IsSuccessStatusCode && response.Error is ApiException { Content: var body } && string.IsNullOrWhiteSpace(body))
            {
                // Some vendors (Hotmart) answer 200 with an empty body for "nothing": no content, not an error.
                return default;
            }
            throw errors.From(response, workspaceId);
        }
    }
}
