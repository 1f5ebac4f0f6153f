using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Connectors;
using Platform.Contracts.Syncs;
using Platform.Testing;

namespace Platform.SyncOrchestrator.Tests;

/// <summary>What the fake connector reports for one workspace on <c>/internal/status</c>.</summary>
public sealed class FakeWorkspace
{
    public bool Configured { get; set; } = true;
    public Dictionary<string, DateTimeOffset?> Watermarks { get; } = new(StringComparer.Ordinal);
    public long Staged { get; set; }
    public long Published { get; set; }
    public long Waiting { get; set; }
}

/// <summary>
/// The connector side at the process boundary: a bus endpoint on the real broker that receives the commands
/// sent to <c>connector-{source}</c> and publishes the connector's events, and a small Kestrel host answering
/// <c>GET /internal/status/{workspaceId}</c> like the connector SDK does. ReleaseStagedRecords moves the
/// workspace's waiting records to published, a quarter at a time.
/// </summary>
public sealed class FakeConnector : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private readonly WebApplication _http;
    private readonly ConcurrentDictionary<string, FakeWorkspace> _workspaces = new(StringComparer.Ordinal);

    private FakeConnector(string source, string[] streams, IBusControl bus, WebApplication http)
    {
        Source = source;
        Streams = streams;
        _bus = bus;
        _http = http;
    }

    public string Source { get; }
    public string[] Streams { get; }
    public Uri Address { get; private set; } = null!;
    public ConcurrentQueue<StartSync> Starts { get; } = new();
    public ConcurrentQueue<CancelSync> Cancels { get; } = new();
    public ConcurrentQueue<ReleaseStagedRecords> Releases { get; } = new();
    public IBus Bus => _bus;

    public static async Task<FakeConnector> StartAsync(TestVirtualHost virtualHost, string source, params string[] streams)
    {
        ArgumentNullException.ThrowIfNull(virtualHost);
        FakeConnector? fake = null;
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, virtualHost.Name, h =>
            {
                h.Username(TestEnvironment.RabbitUser);
                h.Password(TestEnvironment.RabbitPassword);
            });
            cfg.ReceiveEndpoint($"connector-{source}", e =>
            {
                e.Handler<StartSync>(context =>
                {
                    fake!.Starts.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
                e.Handler<CancelSync>(context =>
                {
                    fake!.Cancels.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
                e.Handler<ReleaseStagedRecords>(async context =>
                {
                    fake!.Releases.Enqueue(context.Message);
                    var workspace = fake.Workspace(context.Message.WorkspaceId);
                    var step = Math.Max(1, workspace.Waiting / 4);
                    while (workspace.Waiting > 0)
                    {
                        await Task.Delay(100);
                        var moved = Math.Min(step, workspace.Waiting);
                        workspace.Waiting -= moved;
                        workspace.Published += moved;
                    }
                });
            });
        });

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var http = builder.Build();
        http.MapGet("/internal/status/{workspaceId}", (string workspaceId) =>
        {
            var workspace = fake!.Workspace(workspaceId);
            return Results.Json(new
            {
                source,
                workspaceId,
                configured = workspace.Configured,
                streams = fake.Streams.Select(s => new { stream = s, watermark = workspace.Watermarks.GetValueOrDefault(s) }),
                recordsStaged = workspace.Staged,
                recordsPublished = workspace.Published,
                recordsWaitingForUnify = workspace.Waiting,
                lastRun = (object?)null,
            });
        });

        http.MapPost("/internal/settings/refresh", () =>
        {
            Interlocked.Increment(ref fake!._refreshes);
            return Results.NoContent();
        });
        http.MapPost("/internal/check/{workspaceId}", (string workspaceId) =>
        {
            fake!.Checks.Enqueue(workspaceId);
            var problem = fake.CheckProblem(workspaceId);
            return Results.Json(new { ok = problem is null, problem });
        });

        fake = new FakeConnector(source, streams, bus, http);
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        await http.StartAsync();
        fake.Address = new Uri(http.Urls.First().TrimEnd('/') + "/");
        return fake;
    }

    private int _refreshes;

    /// <summary>How many times the orchestrator said the settings changed.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Workspaces the orchestrator asked to check.</summary>
    public ConcurrentQueue<string> Checks { get; } = new();

    /// <summary>What a check of a workspace answers: null is ok.</summary>
    public Func<string, string?> CheckProblem { get; set; } = _ => null;

    public FakeWorkspace Workspace(string workspaceId) => _workspaces.GetOrAdd(workspaceId, _ => new FakeWorkspace());

    public Task<StartSync> StartOfAsync(Guid runId, TimeSpan? timeout = null) => WaitAsync(Starts, m => m.SyncRunId == runId, "StartSync", timeout);

    public Task<CancelSync> CancelOfAsync(Guid runId, TimeSpan? timeout = null) => WaitAsync(Cancels, m => m.SyncRunId == runId, "CancelSync", timeout);

    public Task<ReleaseStagedRecords> ReleaseOfAsync(string workspaceId, TimeSpan? timeout = null) =>
        WaitAsync(Releases, m => m.WorkspaceId == workspaceId, "ReleaseStagedRecords", timeout);

    /// <summary>Reports a committed page, as the backfill runner does.</summary>
    public Task ProgressAsync(StartSync run, string stream, int pages, long fetched, long staged, int retries = 0, int rateLimitWaits = 0,
        string? checkpoint = null) =>
        _bus.Publish(new SyncProgressed
        {
            WorkspaceId = run.WorkspaceId,
            CorrelationId = run.CorrelationId,
            SyncRunId = run.SyncRunId,
            Source = Source,
            Stream = stream,
            RecordsFetched = fetched,
            RecordsStaged = staged,
            Pages = pages,
            Retries = retries,
            RateLimitWaits = rateLimitWaits,
            Checkpoint = checkpoint ?? $"page-{pages}",
            At = DateTimeOffset.UtcNow,
        });

    public Task CompleteAsync(StartSync run, params StreamSummary[] streams) =>
        _bus.Publish(new SyncCompleted
        {
            WorkspaceId = run.WorkspaceId,
            CorrelationId = run.CorrelationId,
            SyncRunId = run.SyncRunId,
            Source = Source,
            Streams = streams,
            CompletedAt = DateTimeOffset.UtcNow,
        });

    public Task FailAsync(StartSync run, string errorCode, string reason, string? stream = null) =>
        _bus.Publish(new SyncFailed
        {
            WorkspaceId = run.WorkspaceId,
            CorrelationId = run.CorrelationId,
            SyncRunId = run.SyncRunId,
            Source = Source,
            Stream = stream,
            ErrorCode = errorCode,
            Reason = reason,
            FailedAt = DateTimeOffset.UtcNow,
        });

    private static async Task<T> WaitAsync<T>(ConcurrentQueue<T> queue, Func<T, bool> match, string what, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (queue.FirstOrDefault(match) is { } hit)
            {
                return hit;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No matching {what} reached the fake connector; {queue.Count} other(s) did.");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _http.StopAsync();
        await _http.DisposeAsync();
        await _bus.StopAsync();
    }
}
