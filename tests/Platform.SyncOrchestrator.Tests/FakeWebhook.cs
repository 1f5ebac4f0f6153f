using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.SyncOrchestrator.Tests;

/// <summary>An incoming-webhook receiver (Slack's shape: a JSON body with <c>text</c>) that can refuse some deliveries.</summary>
public sealed class FakeWebhook : IAsyncDisposable
{
    private readonly WebApplication _http;
    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);

    private FakeWebhook(WebApplication http) => _http = http;

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request body, refused or not, in arrival order.</summary>
    public ConcurrentQueue<(JsonElement Body, int Status)> Deliveries { get; } = new();

    public static async Task<FakeWebhook> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var http = builder.Build();
        var hook = new FakeWebhook(http);
        http.MapPost("/hooks/slack", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var text = body.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
            foreach (var (marker, left) in hook._refusals)
            {
                if (left > 0 && text.Contains(marker, StringComparison.Ordinal) && hook._refusals.TryUpdate(marker, left - 1, left))
                {
                    hook.Deliveries.Enqueue((body, 503));
                    return Results.StatusCode(503);
                }
            }
            hook.Deliveries.Enqueue((body, 200));
            return Results.Text("ok");
        });
        await http.StartAsync();
        hook.Url = new Uri(http.Urls.First().TrimEnd('/') + "/hooks/slack");
        return hook;
    }

    /// <summary>Answers 503 to the next <paramref name="times"/> deliveries whose text contains <paramref name="marker"/>.</summary>
    public void Refuse(string marker, int times) => _refusals[marker] = times;

    public IReadOnlyList<(JsonElement Body, int Status)> Mentioning(string marker) =>
        Deliveries.Where(d => d.Body.TryGetProperty("text", out var t) && (t.GetString() ?? "").Contains(marker, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _http.StopAsync();
        await _http.DisposeAsync();
    }
}
