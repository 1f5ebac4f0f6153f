using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// The failure policy of <see cref="PlatformMessagingExtensions.AddPlatformMessaging"/> against a real broker:
/// a consumer whose dependency is down for longer than the short retries (a database restart) must still
/// succeed once the dependency is back, through the slower redelivery stage, and never land in <c>_error</c>.
/// </summary>
public sealed class MessagingFailurePolicyTests
{
    [Fact]
    public async Task A_message_whose_consumer_fails_longer_than_the_short_retries_is_redelivered_until_it_succeeds()
    {
        await using var vhost = await TestVirtualHost.CreateAsync("policy");
        var outage = new Outage(TimeSpan.FromSeconds(3));
        using var host = BuildHost(vhost, outage, retries: "10,10,10", redeliveries: "1000,2000,4000");
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await WaitForBusAsync(host);
            await bus.Publish(new PolicyProbe(Guid.NewGuid()));

            var completed = await Task.WhenAny(outage.Succeeded.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(completed == outage.Succeeded.Task,
                $"the consumer never succeeded: {outage.Attempts} attempts, the message went to _error after the short retries");
            Assert.True(outage.Attempts > 4, $"expected redeliveries beyond the 3 short retries, saw {outage.Attempts} attempts");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_that_always_fails_goes_to_the_error_queue_after_every_stage()
    {
        await using var vhost = await TestVirtualHost.CreateAsync("policy");
        var outage = new Outage(TimeSpan.FromDays(1));
        using var host = BuildHost(vhost, outage, retries: "10,10", redeliveries: "100,200");
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await WaitForBusAsync(host);
            await bus.Publish(new PolicyProbe(Guid.NewGuid()));

            var deadline = DateTime.UtcNow.AddSeconds(30);
            var inError = 0L;
            while (inError == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                inError = await vhost.QueueMessageCountAsync("policy-test-policy-probe_error");
            }
            Assert.Equal(1, inError);
            Assert.Equal(5, outage.Attempts);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost BuildHost(TestVirtualHost vhost, Outage outage, string retries, string redeliveries)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(vhost.Settings());
        builder.Configuration.AddInMemoryCollection(Split("RabbitMq:RetryIntervalsMs", retries).Concat(Split("RabbitMq:RedeliveryIntervalsMs", redeliveries)));
        builder.Services.AddSingleton(outage);
        builder.AddServiceDefaults();
        builder.AddPlatformMessaging("policy-test", bus =>
        {
            bus.AddConsumer<PolicyProbeConsumer>();
        });
        return builder.Build();
    }

    private static IEnumerable<KeyValuePair<string, string?>> Split(string key, string values) =>
        values.Split(',').Select((v, i) => new KeyValuePair<string, string?>($"{key}:{i}", v));

    private static async Task WaitForBusAsync(IHost host)
    {
        var bus = host.Services.GetRequiredService<IBusControl>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, cts.Token);
    }
}

public sealed record PolicyProbe(Guid Id);

public sealed class Outage(TimeSpan length)
{
    private readonly object _gate = new();
    private DateTime? _firstAttempt;
    private int _attempts;

    public TaskCompletionSource Succeeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Attempts => Volatile.Read(ref _attempts);

    public void Attempt()
    {
        Interlocked.Increment(ref _attempts);
        lock (_gate)
        {
            _firstAttempt ??= DateTime.UtcNow;
            if (DateTime.UtcNow - _firstAttempt < length)
            {
                throw new InvalidOperationException("the database is restarting");
            }
        }
        Succeeded.TrySetResult();
    }
}

public sealed class PolicyProbeConsumer(Outage outage) : IConsumer<PolicyProbe>
{
    public Task Consume(ConsumeContext<PolicyProbe> context)
    {
        outage.Attempt();
        return Task.CompletedTask;
    }
}
