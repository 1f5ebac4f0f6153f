using Microsoft.Extensions.FileProviders;

namespace Platform.Gateway.WebApp;

/// <summary>
/// Serves the Sync Command Center (the Vite build of <c>web/</c>) at <c>/</c>: hashed assets cached for a year,
/// <c>index.html</c> for every other page path (the app routes in the browser), never cached.
/// </summary>
internal static class WebAppExtensions
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>
    /// <c>Gateway:WebRoot</c> when set; else <c>wwwroot</c> beside the gateway (the image); else <c>web/dist</c> of the
    /// checkout the gateway was built in (<c>./platform up</c>, tests).
    /// </summary>
    public static string? FindWebRoot(IConfiguration configuration)
    {
        if (configuration["Gateway:WebRoot"] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, AppContext.BaseDirectory);
        }
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (File.Exists(Path.Combine(beside, "index.html")))
        {
            return beside;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "web", "package.json")))
            {
                return Path.Combine(dir.FullName, "web", "dist");
            }
        }
        return null;
    }

    public static WebApplication MapWebApp(this WebApplication app)
    {
        var root = FindWebRoot(app.Configuration);
        var index = root is null ? null : Path.Combine(root, "index.html");
        if (index is null || !File.Exists(index))
        {
            app.Logger.LogWarning(
                "The web app is not built ({WebRoot} has no index.html): / answers 404. Build it with `npm ci && npm run build` in web/, or set Gateway:WebRoot.",
                root ?? "no web/ folder found");
        }
        else
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(root!),
                OnPrepareResponse = context =>
                {
                    var headers = context.Context.Response.Headers;
                    headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets")
                        ? "public, max-age=31536000, immutable" : "no-cache";
                    headers.XContentTypeOptions = "nosniff";
                },
            });
        }

        // Any other GET that is not an API, webhook, health or docs path is a page of the app.
        app.MapFallback(async context =>
        {
            var path = context.Request.Path;
            if (!HttpMethods.IsGet(context.Request.Method) || path.StartsWithSegments("/api") || path.StartsWithSegments("/webhooks")
                || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || Path.HasExtension(path.Value))
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found", $"Nothing is served at {path}.");
                return;
            }
            if (index is null || !File.Exists(index))
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "The web app is not built",
                    "Build it with `npm ci && npm run build` in web/ (./platform up does), or set Gateway:WebRoot to its dist folder.");
                return;
            }
            var headers = context.Response.Headers;
            headers.CacheControl = "no-cache";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.SendFileAsync(index);
        });
        return app;
    }
}
