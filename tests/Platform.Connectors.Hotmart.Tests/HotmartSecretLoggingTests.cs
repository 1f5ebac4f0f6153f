using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Connectors.Backfill;
using Platform.Connectors.Hotmart.Domain;
using RichardSzalay.MockHttp;

namespace Platform.Connectors.Hotmart.Tests;

public class HotmartSecretLoggingTests
{
    /// <summary>The token request carries the client secret in its query string (Hotmart's documented form).</summary>
    [Fact]
    public async Task The_client_secret_never_reaches_the_logs_even_at_trace_level()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, HotmartApiHarness.TokenUrl).Respond(_ => HotmartApiHarness.Json("{}", HttpStatusCode.Unauthorized));
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<HotmartTokenCache>()
            .Configure<HotmartOptions>(o => o.AuthAddress = new Uri(HotmartApiHarness.AuthBase));
        services.AddHttpClient<IHotmartApi, HotmartApi>(c => c.BaseAddress = new Uri(HotmartApiHarness.ApiBase))
            .ConfigurePrimaryHttpMessageHandler(() => mock);
        await using var provider = services.BuildServiceProvider();
        var account = new HotmartAccount("acme", "client-123", "secret-xyz");

        await Assert.ThrowsAsync<SourceException>(() =>
            provider.GetRequiredService<IHotmartApi>().GetSalesHistoryAsync(account, new SalesQuery(), CancellationToken.None));

        Assert.Contains(logs.Lines, l => l.Contains("security/oauth/token", StringComparison.Ordinal)); // the request was logged…
        Assert.DoesNotContain(logs.Lines, l => l.Contains("secret-xyz", StringComparison.Ordinal)); // …without the secret
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Lines);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
