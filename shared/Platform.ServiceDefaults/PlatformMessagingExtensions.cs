using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.DeadLetters;

namespace Platform.ServiceDefaults;

/// <summary>RabbitMQ connection and failure policy, from the <c>RabbitMq</c> configuration section.</summary>
public sealed class MessagingOptions
{
    public const string Section = "RabbitMq";

    public string Host { get; set; } = "127.0.0.1";
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";

    /// <summary>Short in-memory retries (ms) for transient faults: a deadlock, a unique-key race.</summary>
    public int[] RetryIntervalsMs { get; set; } = [50, 200, 1000];

    /// <summary>
    /// Delayed redelivery stages (ms) after the short retries are exhausted: together about four minutes, so a
    /// database or broker restart of a minute or two leaves nothing in <c>_error</c>. RabbitMQ's delayed-message
    /// plugin is not in Debian's package, so by default these run in-process (the message stays unacked);
    /// with the plugin installed set <see cref="UseDelayedExchange"/> to redeliver through the broker.
    /// </summary>
    public int[] RedeliveryIntervalsMs { get; set; } = [2_000, 5_000, 15_000, 30_000, 60_000, 120_000];

    /// <summary>Use the broker's delayed-message exchange for redelivery (needs rabbitmq_delayed_message_exchange).</summary>
    public bool UseDelayedExchange { get; set; }

    /// <summary>Messages each consumer endpoint takes at once.</summary>
    public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// <c>classic</c> or <c>quorum</c> (replicated across a RabbitMQ cluster's nodes; what Kubernetes uses). A queue
    /// keeps the type it was declared with: switching an existing broker means deleting its queues first.
    /// </summary>
    public string QueueType { get; set; } = "classic";

    internal bool Quorum => string.Equals(QueueType, "quorum", StringComparison.OrdinalIgnoreCase);
}

public static class PlatformMessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ with endpoint names prefixed by the service name and the platform failure
    /// policy: short in-memory retries, then delayed redelivery, then the <c>_error</c> queue.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformMessaging(
        this IHostApplicationBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configure = null)
    {
        var section = builder.Configuration.GetSection(MessagingOptions.Section);
        var options = section.Get<MessagingOptions>() ?? new MessagingOptions();
        // The binder appends configured array items to an initialised array; configured intervals replace the defaults.
        options.RetryIntervalsMs = ConfiguredIntervals(section, nameof(MessagingOptions.RetryIntervalsMs), new MessagingOptions().RetryIntervalsMs);
        options.RedeliveryIntervalsMs = ConfiguredIntervals(section, nameof(MessagingOptions.RedeliveryIntervalsMs), new MessagingOptions().RedeliveryIntervalsMs);
        builder.Services.AddSingleton(options);
        AddQueueMonitoring(builder, options, serviceName);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            if (options.Quorum)
            {
                bus.AddConfigureEndpointsCallback((_, endpoint) =>
                {
                    if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                    {
                        rabbitEndpoint.SetQuorumQueue();
                    }
                });
            }
            configure?.Invoke(bus);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(options.Host, options.Port, options.VirtualHost, host =>
                {
                    host.Username(options.Username);
                    host.Password(options.Password);
                    host.ConnectionName(serviceName);
                });
                rabbit.PrefetchCount = options.PrefetchCount;
                ConfigureFailurePolicy(rabbit, options);
                rabbit.UseConsumeFilter(typeof(CorrelationLogScopeFilter<>), context);
                rabbit.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = false;
            host.StartTimeout = TimeSpan.FromSeconds(60);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }

    private static int[] ConfiguredIntervals(IConfigurationSection section, string key, int[] defaults)
    {
        var items = section.GetSection(key).GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        if (items.Count == 0)
        {
            return defaults;
        }
        return items.Select(v => int.TryParse(v, out var ms) && ms >= 0
                ? ms
                : throw new InvalidOperationException($"{MessagingOptions.Section}:{key} must list milliseconds; '{v}' is not a non-negative whole number"))
            .ToArray();
    }

    /// <summary>Queue depths and dead letters of this service's queues: gauges and the <c>/dead-letters</c> endpoints.</summary>
    private static void AddQueueMonitoring(IHostApplicationBuilder builder, MessagingOptions options, string serviceName)
    {
        builder.Services.AddSingleton(new MessagingIdentity(serviceName));
        builder.Services.AddSingleton<ServiceQueues>();
        builder.Services.AddSingleton(services => new BrokerQueues(options, serviceName, services.GetRequiredService<ILogger<BrokerQueues>>()));
        builder.Services.AddHostedService<QueueMonitor>();
        builder.Services.AddReceiveEndpointObserver<ServiceQueuesObserver>();
    }

    private static void ConfigureFailurePolicy(IRabbitMqBusFactoryConfigurator rabbit, MessagingOptions options)
    {
        var retries = options.RetryIntervalsMs.Select(ms => TimeSpan.FromMilliseconds(ms)).ToArray();
        var redelivery = options.RedeliveryIntervalsMs.Select(ms => TimeSpan.FromMilliseconds(ms)).ToArray();
        if (options.UseDelayedExchange && redelivery.Length > 0)
        {
            rabbit.UseDelayedMessageScheduler();
            rabbit.UseDelayedRedelivery(r => r.Intervals(redelivery));
            if (retries.Length > 0)
            {
                rabbit.UseMessageRetry(r => r.Intervals(retries));
            }
            return;
        }

        // Without the broker's delayed exchange both stages run in-process, as ONE retry filter whose
        // intervals are the short retries followed by the slow ones. Two nested UseMessageRetry filters
        // share one retry context, so the outer (slow) stage never ran: a 20 s database restart sent
        // messages to _error after about a second. The message stays unacked while it waits, so a crash
        // hands it back to the broker rather than losing it.
        var intervals = retries.Concat(redelivery).ToArray();
        if (intervals.Length > 0)
        {
            rabbit.UseMessageRetry(r => r.Intervals(intervals));
        }
    }
}

/// <summary>Puts the message's correlation id in the logging scope of every consumer.</summary>
internal sealed class CorrelationLogScopeFilter<T>(ILogger<CorrelationLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        Activity.Current?.SetTag("platform.correlation_id", (context.CorrelationId ?? context.ConversationId)?.ToString());
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["CorrelationId"] = context.CorrelationId ?? context.ConversationId,
            ["MessageType"] = typeof(T).Name,
            ["MessageId"] = context.MessageId,
        }))
        {
            await next.Send(context);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("correlationLogScope");
}
