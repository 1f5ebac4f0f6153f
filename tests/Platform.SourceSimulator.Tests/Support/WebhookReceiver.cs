using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Platform.SourceSimulator.Tests.Support;

/// <summary>A webhook delivery as the receiving end saw it.</summary>
public sealed record ReceivedWebhook(Uri Target, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// Stands in for a connector's webhook endpoint: records every delivery by target URL and answers with the status the
/// test chose for that URL (200 by default).
/// </summary>
public sealed class WebhookReceiver : HttpMessageHandler
{
    private readonly ConcurrentDictionary<Uri, ConcurrentQueue<ReceivedWebhook>> _received = new();
    private readonly ConcurrentDictionary<Uri, HttpStatusCode> _answers = new();

    public static Uri NewTarget(string source) => new($"http://connector.test/webhooks/{source}/{Guid.NewGuid():N}");

    public void AnswerWith(Uri target, HttpStatusCode status) => _answers[target] = status;

    public IReadOnlyList<ReceivedWebhook> ReceivedAt(Uri target) =>
        _received.TryGetValue(target, out var queue) ? [.. queue] : [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            // User-Agent products are separated by spaces, other multi-valued headers by commas.
            .ToDictionary(h => h.Key, h => string.Join(h.Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase) ? " " : ",", h.Value),
                StringComparer.OrdinalIgnoreCase);
        _received.GetOrAdd(request.RequestUri!, _ => new ConcurrentQueue<ReceivedWebhook>()).Enqueue(new ReceivedWebhook(request.RequestUri!, headers, body));
        var status = _answers.GetValueOrDefault(request.RequestUri!, HttpStatusCode.OK);
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(status == HttpStatusCode.OK ? """{"received":true}""" : """{"title":"refused by the test"}""", Encoding.UTF8, "application/json"),
        };
    }
}
