using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Callers;

/// <summary>The <c>workspaceId</c> a JSON request body names: the gateway's guard and every service's check read it the same way.</summary>
public static class BodyWorkspace
{
    /// <summary>The body's <c>workspaceId</c>, if it is a JSON object with one; the body stays readable for what comes next.</summary>
    /// <param name="request">The request; its body is buffered.</param>
    /// <param name="limit">Bodies larger than this are not inspected (the endpoint's own limit refuses them).</param>
    public static async Task<string?> ReadAsync(HttpRequest request, long limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is 0 || request.ContentLength > limit
            || request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }
        request.EnableBuffering();
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            foreach (var property in body.RootElement.EnumerateObject())
            {
                if (property.Name.Equals("workspaceId", StringComparison.OrdinalIgnoreCase))
                {
                    // A non-string workspaceId cannot be anyone's workspace.
                    return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null; // the endpoint answers malformed JSON with its own 400
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
