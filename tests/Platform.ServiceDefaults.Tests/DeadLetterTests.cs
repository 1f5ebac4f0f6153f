using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// Run alone, after the other test classes: every host in this process registers its gauges under the same meter name, and
/// with other hosts alive beside it the dead-letter gauge of this test's host did not show its count within a minute in
/// about one run of the whole suite in three (never alone, in 20 runs); see the collection below.
/// </summary>
[Collection(MetricsReadAlone.Name)]
public sealed class DeadLetterTests
{
    private sealed record QueueRow(string Queue, string ErrorQueue, long Messages, long Consumers, long DeadLettered);

    private sealed record Report(string Service, List<QueueRow> Queues);

    private sealed record Replay(string Queue, long Replayed, long Remaining);

    private static async Task<QueueRow> PingQueueAsync(TestHost host)
    {
        var report = await host.Http.GetFromJsonAsync<Report>("/dead-letters");
        Assert.Equal(TestHost.ServiceName, report!.Service);
        return Assert.Single(report.Queues, q => q.Queue == "defaults-test-flaky-ping");
    }

    [Fact]
    public async Task A_message_that_failed_every_retry_is_counted_shown_in_metrics_and_replayed_with_one_call()
    {
        await using var vhost = await TestVirtualHost.CreateAsync("deadletters");
        await using var host = await TestHost.StartAsync(vhost);

        await host.PublishAsync(new FlakyPing(Guid.NewGuid()));
        await host.PublishAsync(new FlakyPing(Guid.NewGuid()));
        await host.WaitUntilAsync(async () => (await PingQueueAsync(host)).DeadLettered == 2, "two messages in the _error queue");

        var queue = await PingQueueAsync(host);
        Assert.Equal("defaults-test-flaky-ping_error", queue.ErrorQueue);
        Assert.Equal(1, queue.Consumers);
        await host.WaitUntilAsync(async () => (await host.Http.GetStringAsync("/metrics"))
            .Contains("platform_queue_dead_lettered{otel_scope_name=\"Platform\",queue=\"defaults-test-flaky-ping\"} 2", StringComparison.Ordinal), "the gauge to show 2");

        host.Flaky.Failing = false;
        using var response = await host.Http.PostAsync("/dead-letters/defaults-test-flaky-ping/replay", null);
        var replay = await response.Content.ReadFromJsonAsync<Replay>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, replay!.Replayed);
        Assert.Equal(0, replay.Remaining);
        await host.WaitUntilAsync(() => Task.FromResult(host.Flaky.Handled == 2), "both replayed messages to be consumed");
        Assert.Equal(0, (await PingQueueAsync(host)).DeadLettered);
    }

    [Fact]
    public async Task Replaying_a_queue_the_service_does_not_own_is_a_404_naming_its_queues()
    {
        await using var vhost = await TestVirtualHost.CreateAsync("deadletters");
        await using var host = await TestHost.StartAsync(vhost);

        using var response = await host.Http.PostAsync("/dead-letters/someone-elses-queue/replay", null);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("defaults-test-flaky-ping", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queues_are_declared_as_quorum_queues_when_configured()
    {
        await using var vhost = await TestVirtualHost.CreateAsync("quorum");
        await using var host = await TestHost.StartAsync(vhost, new Dictionary<string, string?> { ["RabbitMq:QueueType"] = "quorum" });

        using var management = Management.Client();
        var queue = JsonDocument.Parse(await management.GetStringAsync(
            $"queues/{Uri.EscapeDataString(vhost.Name)}/defaults-test-flaky-ping")).RootElement;

        Assert.Equal("quorum", queue.GetProperty("type").GetString());
    }
}

internal static class Management
{
    public static HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{TestEnvironment.RabbitHost}:{TestEnvironment.RabbitManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TestEnvironment.RabbitUser}:{TestEnvironment.RabbitPassword}")));
        return http;
    }
}

/// <summary>Test classes that read this process's metrics, run without any other class beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsReadAlone
{
    public const string Name = "metrics read alone";
}
