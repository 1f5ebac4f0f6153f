using Platform.Gateway.Authentication;
using Yarp.ReverseProxy.Configuration;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Every <c>/api/**</c> route requires the operator policy even if a configuration override forgets it:
/// a missing line of configuration must not open the operator API to the internet.
/// </summary>
internal sealed class OperatorPolicyConfigFilter(ILogger<OperatorPolicyConfigFilter> logger) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => new(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        var path = route.Match.Path ?? "";
        var isApi = path.Equals("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase);
        if (!isApi || string.Equals(route.AuthorizationPolicy, OperatorAuthentication.Policy, StringComparison.OrdinalIgnoreCase))
        {
            return new(route);
        }
        logger.LogWarning(
            "Route {RouteId} ({Path}) had authorization policy {Policy}; /api routes always require {Required}",
            route.RouteId, path, route.AuthorizationPolicy ?? "(none)", OperatorAuthentication.Policy);
        return new(route with { AuthorizationPolicy = OperatorAuthentication.Policy });
    }
}
