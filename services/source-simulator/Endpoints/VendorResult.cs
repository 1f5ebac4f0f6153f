using System.Text.Json;
using Platform.SourceSimulator.Domain;
using System.Text.Json.Nodes;

namespace Platform.SourceSimulator.Endpoints;

/// <summary>A vendor's own JSON answer (its envelope, its error shape), written as-is with extra headers.</summary>
internal sealed class VendorResult(int status, JsonNode body, IReadOnlyDictionary<string, string>? headers = null) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            httpContext.Response.Headers[name] = value;
        }
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, VendorJson.Writer);
        body.WriteTo(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    public static VendorResult Ok(JsonNode body) => new(StatusCodes.Status200OK, body);
}
