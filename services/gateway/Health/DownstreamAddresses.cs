using Yarp.ReverseProxy;

namespace Platform.Gateway.Health;

/// <summary>The base address a cluster forwards to (its first destination, or its health address when set).</summary>
internal sealed class DownstreamAddresses(IProxyStateLookup proxy)
{
    public Uri? Of(string service)
    {
        if (!proxy.TryGetCluster(service, out var cluster))
        {
            return null;
        }
        var destination = cluster.Model.Config.Destinations?.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value).FirstOrDefault();
        return destination is null ? null : new Uri((destination.Health ?? destination.Address).TrimEnd('/') + "/");
    }
}
