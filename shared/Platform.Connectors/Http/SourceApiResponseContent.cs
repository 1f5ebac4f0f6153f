using Refit;

namespace Platform.Connectors.Http;

/// <summary>Reads an already awaited Refit answer; failures go through the one mapping in <see cref="SourceApiErrors"/>.</summary>
public static class SourceApiResponseContent
{
    /// <summary>The content of a successful answer; otherwise the SDK's source error for its status.</summary>
    public static T Content<T>(this IApiResponse<T> response, string source, string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode && response.Content is { } content)
        {
            return content;
        }
        throw new SourceApiErrors(source).From(response, workspaceId);
    }
}
