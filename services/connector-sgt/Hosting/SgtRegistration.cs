using Platform.Connectors.Hosting;
using Platform.Connectors.Http;
using Platform.Connectors.Sgt.Api;
using Platform.Connectors.Sgt.Streams;

namespace Platform.Connectors.Sgt.Hosting;

public static class SgtRegistration
{
    /// <summary>
    /// The SGT API as a source-generated Refit client behind the SDK's rate limit (10 requests/s per workspace, SGT's
    /// documented limit) and resilience pipeline, and the leads stream. <c>Connectors:Sgt:Http:BaseAddress</c> is
    /// required: SGT is an internal system without a public address.
    /// </summary>
    public static ConnectorBuilder AddSgtApi(this ConnectorBuilder connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        connector.AddSourceApi<ISgtApi>(new SourceHttpOptions
        {
            RatePermits = 10,
            RatePeriod = TimeSpan.FromSeconds(1),
        });
        connector.AddStream<SgtLeadsStreamReader>();
        return connector;
    }
}
