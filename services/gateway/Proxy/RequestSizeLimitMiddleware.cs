using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Refuses bodies over <c>Gateway:MaxRequestBodyBytes</c> (<c>Gateway:MaxImportBodyBytes</c> for imports) before
/// anything is forwarded: at once when Content-Length says so, and through Kestrel's per-request limit for
/// chunked bodies, which the proxy then reports as 413.
/// </summary>
internal sealed class RequestSizeLimitMiddleware(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    private static readonly PathString Imports = "/api/imports";

    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.CurrentValue;
        var limit = context.Request.Path.StartsWithSegments(Imports, StringComparison.OrdinalIgnoreCase)
            ? settings.MaxImportBodyBytes
            : settings.MaxRequestBodyBytes;

        if (context.Request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        await next(context);
    }

    public static Task WriteTooLargeAsync(HttpContext context, long? limit) =>
        GatewayProblems.WriteAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            "Request body too large",
            limit is { } bytes
                ? $"This route accepts request bodies of at most {bytes} bytes ({Readable(bytes)}); this one is larger. Send a smaller body."
                : "The request body is larger than this route accepts. Send a smaller body.");

    private static string Readable(long bytes) => bytes switch
    {
        >= 1_048_576 => $"{bytes / 1_048_576.0:0.#} MiB",
        >= 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} B",
    };
}
