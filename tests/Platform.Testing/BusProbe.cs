using System.Collections.Concurrent;
using MassTransit;

namespace Platform.Testing;

/// <summary>
/// A bare bus on a test's virtual host that records every message of type <typeparamref name="T"/>
/// published there: the test subscriber that proves an event crossed the real broker.
/// </summary>
public sealed class BusProbe<T> : IAsyncDisposable where T : class
{
    private readonly IBusControl _bus;
    private readonly ConcurrentQueue<T> _received = new();
    private readonly SemaphoreSlim _signal = new(0);

    private BusProbe(IBusControl bus) => _bus = bus;

    public IReadOnlyCollection<T> Received => _received;

    public IBus Bus => _bus;

    public static Task<BusProbe<T>> StartAsync(TestVirtualHost virtualHost) => StartAsync<T>(virtualHost, null);

    /// <summary>
    /// A probe that also records the <typeparamref name="T"/>s carried inside <typeparamref name="TMany"/> messages
    /// (a relay's bulk <c>RawRecordsStaged</c>, say), as if each had been published alone.
    /// </summary>
    public static async Task<BusProbe<T>> StartAsync<TMany>(TestVirtualHost virtualHost, Func<TMany, IEnumerable<T>>? unwrap)
        where TMany : class
    {
        BusProbe<T>? probe = null;
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, virtualHost.Name, h =>
            {
                h.Username(TestEnvironment.RabbitUser);
                h.Password(TestEnvironment.RabbitPassword);
            });
            cfg.ReceiveEndpoint($"test-probe-{typeof(T).Name}-{Guid.NewGuid():N}", e =>
            {
                e.AutoDelete = true;
                e.Durable = false;
                e.Handler<T>(context =>
                {
                    probe!._received.Enqueue(context.Message);
                    probe._signal.Release();
                    return Task.CompletedTask;
                });
                if (unwrap is not null)
                {
                    e.Handler<TMany>(context =>
                    {
                        foreach (var message in unwrap(context.Message))
                        {
                            probe!._received.Enqueue(message);
                            probe._signal.Release();
                        }
                        return Task.CompletedTask;
                    });
                }
            });
        });
        probe = new BusProbe<T>(bus);
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return probe;
    }

    /// <summary>
    /// The matching messages once their count stopped changing for 400 ms (at most 20 s): events are published after
    /// their commit, so a test that counts them waits for the last one first.
    /// </summary>
    public async Task<List<T>> QuietAsync(Func<T, bool> match)
    {
        var last = -1;
        var stableSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var count = _received.Count(match);
            if (count != last)
            {
                last = count;
                stableSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(400))
            {
                break;
            }
            await Task.Delay(50);
        }
        return _received.Where(match).ToList();
    }

    /// <summary>Waits until a received message matches, or fails the test with what did arrive.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var hit = _received.FirstOrDefault(match);
            if (hit is not null)
            {
                return hit;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No matching {typeof(T).Name} arrived; {_received.Count} other(s) did.");
            }
            await _signal.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        _signal.Dispose();
    }
}
