using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Gateway.Tests.Support;

/// <summary>The ProblemDetails fields the tests read.</summary>
public sealed record Problem(string? Type, string? Title, int? Status, string? Detail, string? Instance, string? CorrelationId)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Reads the body, failing unless it is served as application/problem+json.</summary>
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Problem>(Web);
        Assert.NotNull(problem);
        Assert.Equal((int)response.StatusCode, problem.Status);
        return problem;
    }
}
