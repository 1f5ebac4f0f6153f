using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Gateway.Tests.Support;

/// <summary>What a fake service saw and answers with (it echoes the request back).</summary>
public sealed record ReceivedRequest(string Service, string Method, string Path, Dictionary<string, string> Headers, long BodyLength)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The caller the gateway's signed token names, verified as a service would; null when none or invalid.</summary>
    public Platform.ServiceDefaults.Callers.PlatformCaller? Caller() =>
        Platform.ServiceDefaults.Callers.CallerToken.Verify(Header(Platform.ServiceDefaults.Callers.PlatformCaller.Header),
            Platform.Testing.TestEnvironment.InternalAuthKey, DateTimeOffset.UtcNow, out _);
}

/// <summary>
/// A downstream service stand-in: a real Kestrel app on a free loopback port that records every request it
/// gets, echoes it back as JSON, and answers <c>/health/ready</c> as told. <c>?respond=409</c> makes it
/// answer with that status and a ProblemDetails of its own.
/// </summary>
public sealed class FakeService : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private WebApplication? _app;
    private int _readyCalls;

    private FakeService(string name) => Name = name;

    public string Name { get; }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedRequest> Received => _received;

    public int ReadyCalls => _readyCalls;

    public int ReadyStatus { get; set; } = StatusCodes.Status200OK;

    public string ReadyBody { get; set; } = """{"status":"Healthy","checks":[]}""";

    public TimeSpan ReadyDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Dead-lettered messages per queue, answered at <c>/dead-letters</c> like a real service; null: 404 (no consumers).</summary>
    public Dictionary<string, long>? DeadLettered { get; set; }

    public static async Task<FakeService> StartAsync(string name)
    {
        var fake = new FakeService(name);
        // The empty builder reads no appsettings.json (the gateway's is copied next to the tests).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapGet("/health/ready", fake.ReadyAsync);
        app.MapGet("/dead-letters", fake.DeadLettersAsync);
        app.MapPost("/dead-letters/{queue}/replay", fake.ReplayAsync);
        app.Map("/{**path}", fake.EchoAsync);
        await app.StartAsync();
        fake._app = app;
        fake.Address = new Uri(app.Urls.Single() + "/");
        return fake;
    }

    /// <summary>Requests whose path and query contain <paramref name="marker"/>: each test marks its own.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedWith(string marker) =>
        _received.Where(r => r.Path.Contains(marker, StringComparison.Ordinal)).ToList();

    private async Task ReadyAsync(HttpContext context)
    {
        Interlocked.Increment(ref _readyCalls);
        await Task.Delay(ReadyDelay, context.RequestAborted);
        context.Response.StatusCode = ReadyStatus;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(ReadyBody, context.RequestAborted);
    }

    private async Task DeadLettersAsync(HttpContext context)
    {
        if (DeadLettered is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Record(context, 0);
        await context.Response.WriteAsJsonAsync(new
        {
            service = Name,
            queues = DeadLettered.Select(q => new { queue = q.Key, errorQueue = q.Key + "_error", messages = 0, consumers = 1, deadLettered = q.Value }),
        });
    }

    private async Task ReplayAsync(HttpContext context)
    {
        Record(context, 0);
        var queue = (string)context.Request.RouteValues["queue"]!;
        if (DeadLettered is null || !DeadLettered.TryGetValue(queue, out var count))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        DeadLettered[queue] = 0;
        await context.Response.WriteAsJsonAsync(new { queue, replayed = count, remaining = 0 });
    }

    private void Record(HttpContext context, long length) => _received.Enqueue(new ReceivedRequest(
        Name,
        context.Request.Method,
        context.Request.Path + context.Request.QueryString,
        context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        length));

    private async Task EchoAsync(HttpContext context)
    {
        long length = 0;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            length += read;
        }
        var request = new ReceivedRequest(
            Name,
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            length);
        _received.Enqueue(request);

        if (int.TryParse(context.Request.Query["respond"], out var status))
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(
                new { title = $"{Name} says no", status, detail = "Raised by the service itself." },
                options: null, contentType: "application/problem+json");
            return;
        }
        await context.Response.WriteAsJsonAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
