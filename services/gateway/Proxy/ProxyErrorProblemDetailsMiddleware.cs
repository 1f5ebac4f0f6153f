using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Turns YARP's bare 502/503/504 (and 413 for an oversize chunked body) into a ProblemDetails that names the
/// service, so an operator sees "identity-resolution is unavailable" rather than an empty Bad Gateway.
/// </summary>
internal static class ProxyErrorProblemDetailsMiddleware
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        await next();

        var error = context.GetForwarderErrorFeature()?.Error;
        if (error is null or ForwarderError.None || context.Response.HasStarted)
        {
            return;
        }
        var status = context.Response.StatusCode;
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            await RequestSizeLimitMiddleware.WriteTooLargeAsync(
                context, context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize);
            return;
        }
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient)
        {
            // The caller went away or sent a broken body: nothing about the service to report.
            await GatewayProblems.WriteAsync(context, status, "The request could not be read",
                "The request was cancelled or its body could not be read. Send it again.");
            return;
        }

        var service = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
        var what = error switch
        {
            ForwarderError.RequestTimedOut => "did not answer in time",
            ForwarderError.NoAvailableDestinations => "has no available destination",
            ForwarderError.Request or ForwarderError.RequestCreation => "could not be reached",
            _ => "failed while answering",
        };
        await GatewayProblems.WriteAsync(context, status, $"{service} is unavailable",
            $"{service} {what}. Try again shortly; if it persists, check the gateway's /health/ready and {service}'s logs.");
    }
}
