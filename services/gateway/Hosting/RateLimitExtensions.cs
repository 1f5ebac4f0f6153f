using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Gateway.Authentication;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.Gateway.Hosting;

/// <summary>The <c>Gateway:RateLimits</c> settings: a token bucket per operator key on <c>/api</c>, per source and workspace on <c>/webhooks</c>.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimits";

    public BucketOptions Api { get; set; } = new() { Permits = 600, Per = TimeSpan.FromMinutes(1) };

    /// <summary>Generous: a vendor's burst after an outage is legitimate; only a flood is refused (and vendors retry a 429).</summary>
    public BucketOptions Webhooks { get; set; } = new() { Permits = 3000, Per = TimeSpan.FromMinutes(1) };
}

/// <summary>A bucket of <see cref="Permits"/> refilled evenly over <see cref="Per"/>; 0 permits turns the limit off.</summary>
internal sealed class BucketOptions
{
    public int Permits { get; set; }

    public TimeSpan Per { get; set; }
}

internal static class RateLimitExtensions
{
    /// <summary>
    /// Per operator key (the key's id, or its name for a configured key; the client address before authentication) on
    /// <c>/api</c>; per source and workspace (<c>/webhooks/{source}/{workspaceId}</c>, or the source alone) on
    /// <c>/webhooks</c>. A refused request gets 429 with <c>Retry-After</c> and is counted in
    /// <c>platform_gateway_rate_limited_total{kind}</c>.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayRateLimits(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var (kind, partition) = PartitionOf(context);
                var bucket = kind switch { "api" => options.Api, "webhooks" => options.Webhooks, _ => null };
                return bucket is null || bucket.Permits <= 0
                    ? RateLimitPartition.GetNoLimiter($"{kind}:{partition}")
                    : RateLimitPartition.GetTokenBucketLimiter($"{kind}:{partition}", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = bucket.Permits,
                        TokensPerPeriod = Math.Max(1, bucket.Permits / 10),
                        ReplenishmentPeriod = bucket.Per / 10,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var (kind, _) = PartitionOf(context);
                PlatformMetrics.GatewayRateLimited(kind);
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await GatewayProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
                    kind == "webhooks"
                        ? $"This source and workspace sent more webhooks than the gateway accepts at once; retry in {seconds} s (vendors retry on their own)."
                        : $"This key made more calls than its limit allows; retry in {seconds} s.");
            };
        });
        return builder;
    }

    /// <summary>After authentication, so a key's calls share one bucket whatever address they come from.</summary>
    public static WebApplication UseGatewayRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    private static (string Kind, string Partition) PartitionOf(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/webhooks", StringComparison.OrdinalIgnoreCase))
        {
            var segments = path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var source = segments.Length > 1 ? segments[1].ToLowerInvariant() : "";
            var workspace = segments.Length > 2 ? segments[2] : context.Request.Query["workspaceId"].ToString();
            return ("webhooks", $"{source}/{workspace}");
        }
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            var user = context.User;
            var who = user.FindFirst(OperatorClaims.KeyIdClaim)?.Value
                ?? (user.Identity is { IsAuthenticated: true, Name: { } name } ? $"name:{name}" : $"ip:{context.Connection.RemoteIpAddress}");
            return ("api", who);
        }
        return ("other", "");
    }
}
