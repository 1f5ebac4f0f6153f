using System.Net;
using Platform.Connectors.Backfill;
using Refit;

namespace Platform.Connectors.Http;

/// <summary>Turns a Refit answer that is not a success into a <see cref="SourceException"/> a person can act on.</summary>
public static class SourceApiResponses
{
    /// <summary>The content of a successful answer; otherwise the SDK's source error for its status.</summary>
    public static T Content<T>(this IApiResponse<T> response, string source, string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode && response.Content is { } content)
        {
            return content;
        }
        throw Failure(response, source, workspaceId);
    }

    /// <summary>The source error for a failed answer (status, request, the start of the vendor's message).</summary>
    public static SourceException Failure(IApiResponse response, string source, string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = (response.Error as ApiException)?.Content ?? "";
        if (body.Length > 300)
        {
            body = body[..300];
        }
        var request = response.RequestMessage ?? response.Error?.RequestMessage;
        var what = $"{request?.Method} {request?.RequestUri?.AbsolutePath}";
        if (response.Error is null && response.IsSuccessStatusCode)
        {
            return new SourceException("bad_response", $"{source} answered {what} with an empty body.");
        }
        if (response.Error is { } error and not ApiException)
        {
            // No answer at all: the SDK's handlers gave up (circuit open, timeouts) or the network failed.
            for (Exception? inner = error; inner is not null; inner = inner.InnerException)
            {
                if (inner is SourceException known)
                {
                    return known;
                }
            }
            return new SourceException("source_unavailable", $"{source} could not be reached on {what}: {error.InnerException?.Message ?? error.Message}", error);
        }
        return (response.StatusCode ?? HttpStatusCode.InternalServerError) switch
        {
            HttpStatusCode.Unauthorized => new SourceException("credentials_invalid",
                $"{source} rejected the credentials of workspace '{workspaceId}' (401 on {what}): the token is wrong, expired or revoked. Set new credentials for this workspace and run the sync again. {body}"),
            HttpStatusCode.Forbidden => new SourceException("credentials_invalid",
                $"{source} refused access for workspace '{workspaceId}' (403 on {what}): the credentials lack a permission or another account's id was used. {body}"),
            HttpStatusCode.TooManyRequests => new SourceException("rate_limited",
                $"{source} kept answering 429 (rate limited) on {what} after every retry; lower Connectors:{source}:Http:RatePermits. {body}"),
            >= HttpStatusCode.InternalServerError => new SourceException("source_unavailable",
                $"{source} answered {(int?)response.StatusCode} on {what} after every retry. {body}"),
            _ => new SourceException("bad_response", $"{source} answered {(int?)response.StatusCode} on {what}: {body}"),
        };
    }
}
