using Platform.Gateway.Proxy;

namespace Platform.Gateway.Hosting;

internal static class ReverseProxyExtensions
{
    /// <summary>YARP routes and clusters from the <c>ReverseProxy</c> section, with the operator header transforms.</summary>
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<OperatorPolicyConfigFilter>()
            .AddTransforms(OperatorHeaderTransform.Apply);
        return builder;
    }

    public static WebApplication UseRequestSizeLimits(this WebApplication app)
    {
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        return app;
    }

    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ProxyErrorProblemDetailsMiddleware.InvokeAsync);
            // The defaults MapReverseProxy() adds when given no pipeline (no HashCookie affinity is configured).
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
