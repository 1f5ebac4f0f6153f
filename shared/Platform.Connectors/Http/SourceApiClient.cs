using Refit;

namespace Platform.Connectors.Http;

/// <summary>A source's Refit client outside dependency injection (tests over a mocked HttpMessageHandler, tools).</summary>
public static class SourceApiClient
{
    /// <summary>
    /// The source-generated implementation over <paramref name="primary"/> with <paramref name="handlers"/> in front,
    /// outermost first (authentication, then whatever the test wants to record).
    /// </summary>
    public static TApi Create<TApi>(HttpMessageHandler primary, Uri baseAddress, RefitSettings settings, params DelegatingHandler[] handlers)
        where TApi : class
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(handlers);
        HttpMessageHandler inner = new RequestStampHandler { InnerHandler = primary };
        foreach (var handler in handlers.Reverse())
        {
            handler.InnerHandler = inner;
            inner = handler;
        }
#pragma warning disable CA2000 // The client lives as long as the returned API object; tests and tools own both.
        var http = new HttpClient(inner, disposeHandler: false) { BaseAddress = baseAddress };
#pragma warning restore CA2000
        return RestService.ForGenerated<TApi>(http, settings);
    }
}

/// <summary>
/// Innermost handler of every source client: stamps each response with its request. Real transports do; fakes in
/// tests often do not, and Refit needs it to build the error of a failed call.
/// </summary>
public sealed class RequestStampHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }
}
