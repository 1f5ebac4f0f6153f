using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Platform.Gateway.Tests.Support;

public sealed record LogEntry(string Category, LogLevel Level, string Message, string? Exception, IReadOnlyDictionary<string, string> Scope)
{
    /// <summary>Everything this entry would put in a log file, to search for things that must never be there.</summary>
    public string Everything => $"{Category} {Message} {Exception} {string.Join(" ", Scope.Select(s => $"{s.Key}={s.Value}"))}";
}

/// <summary>Keeps every log entry, with its scope values, so tests can check what the gateway logs.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, string>();
            provider._scopes.ForEachScope((value, values) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, item) in pairs)
                    {
                        values[key] = item?.ToString() ?? "";
                    }
                }
                else if (value is IEnumerable<KeyValuePair<string, object>> objectPairs)
                {
                    foreach (var (key, item) in objectPairs)
                    {
                        values[key] = item?.ToString() ?? "";
                    }
                }
            }, scope);
            provider._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception?.ToString(), scope));
        }
    }
}
