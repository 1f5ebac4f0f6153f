using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Platform.Testing;

/// <summary>What every connector answers to a delivery it refuses.</summary>
public static class WebhookAnswers
{
    /// <summary>
    /// Asserts the one refusal: 401, a ProblemDetails whose status, title, detail and instance do not depend on
    /// whether the workspace exists or the signature was wrong (so the answer lists no workspaces).
    /// </summary>
    public static async Task AssertRefusedAlikeAsync(HttpResponseMessage response, string source)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("Webhook refused", problem.GetProperty("title").GetString());
        Assert.Equal(
            "The delivery was not accepted: either this connector has no such workspace or the signature does not verify under its credentials. Nothing was staged.",
            problem.GetProperty("detail").GetString());
        Assert.Equal($"/webhooks/{source}", problem.GetProperty("instance").GetString());
    }
}
