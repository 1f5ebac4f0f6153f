using System.Net;

namespace Platform.Gateway.Tests.Support;

/// <summary>A body sent chunked, without Content-Length, as a streaming client would.</summary>
public sealed class UnknownLengthContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
