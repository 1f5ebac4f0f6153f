using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using Refit;
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
            .AddSingleton<OAuthTokenCache>()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Connectors:hotmart:Workspaces:acme:ClientId"] = "client-123",
                ["Connectors:hotmart:Workspaces:acme:ClientSecret"] = "secret-xyz",
            }).Build())
            .AddSingleton(new ConnectorDescriptor("hotmart"))
            .AddSingleton<ConnectorCredentials>();
        services.AddRefitGeneratedClient<IHotmartApi>(HotmartApi.Settings)
            .ConfigureHttpClient(c => c.BaseAddress = new Uri(HotmartApiHarness.ApiBase))
            .AddHttpMessageHandler(sp => new OAuthHandler(sp.GetRequiredService<OAuthTokenCache>(), sp.GetRequiredService<ConnectorCredentials>(),
                new OAuthOptions
                {
                    TokenEndpoint = new Uri(HotmartApiHarness.TokenUrl),
                    SourceName = HotmartApi.SourceName,
                    ClientAuthentication = OAuthClientAuthentication.BasicHeader | OAuthClientAuthentication.Query,
                }))
            .ConfigurePrimaryHttpMessageHandler(() => mock);
        await using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<SourceException>(() =>
            provider.GetRequiredService<IHotmartApi>().GetSalesHistoryAsync("acme", new SalesQuery(), CancellationToken.None)
                .ContentOrThrowAsync(HotmartApi.Errors, "acme"));

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
