using Platform.Connectors.Http;
using Refit;

namespace Platform.Connectors.Sgt.Api;

/// <summary>
/// Turns what Refit throws for a non-success answer into the SDK's <see cref="Backfill.SourceException"/>, with the
/// SDK's own wording (credentials_invalid, rate_limited, source_unavailable, bad_response): the answer is rebuilt and
/// handed to <see cref="SourceResponses.EnsureSuccessAsync"/>, so every connector tells a person the same thing.
/// </summary>
internal static class RefitErrors
{
    public static async Task<Exception> ToSourceExceptionAsync(this ApiException exception, string source, string workspaceId,
        CancellationToken cancellationToken)
    {
        using var response = new HttpResponseMessage(exception.StatusCode)
        {
            Content = new StringContent(exception.Content ?? ""),
            RequestMessage = new HttpRequestMessage(exception.HttpMethod, exception.Uri),
        };
        try
        {
            await response.EnsureSuccessAsync(source, workspaceId, cancellationToken);
        }
        catch (Backfill.SourceException mapped)
        {
            return mapped;
        }
        return exception;
    }
}
