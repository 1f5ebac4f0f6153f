using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>Options of <see cref="PlatformJsonConsoleFormatter"/>.</summary>
public sealed class PlatformJsonConsoleFormatterOptions : JsonConsoleFormatterOptions
{
    public string ServiceName { get; set; } = "";
}

/// <summary>
/// One JSON object per line, like ASP.NET Core's JSON console, plus <c>Service</c> on every line and the current
/// trace and span ids, so a log aggregator can group lines by service and jump from a line to its trace.
/// </summary>
internal sealed class PlatformJsonConsoleFormatter(IOptionsMonitor<PlatformJsonConsoleFormatterOptions> options)
    : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "platform-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && message is null)
        {
            return;
        }
        var settings = options.CurrentValue;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, settings.JsonWriterOptions))
        {
            json.WriteStartObject();
            var now = settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            json.WriteString("Timestamp", now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("Service", settings.ServiceName);
            json.WriteNumber("EventId", logEntry.EventId.Id);
            json.WriteString("LogLevel", logEntry.LogLevel.ToString());
            json.WriteString("Category", logEntry.Category);
            json.WriteString("Message", message);
            if (logEntry.Exception is not null)
            {
                json.WriteString("Exception", logEntry.Exception.ToString());
            }
            if (Activity.Current is { } activity)
            {
                json.WriteString("TraceId", activity.TraceId.ToHexString());
                json.WriteString("SpanId", activity.SpanId.ToHexString());
            }
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
            {
                json.WriteStartObject("State");
                foreach (var (key, value) in state)
                {
                    WriteValue(json, key, value);
                }
                json.WriteEndObject();
            }
            if (settings.IncludeScopes && scopeProvider is not null)
            {
                json.WriteStartArray("Scopes");
                scopeProvider.ForEachScope(static (scope, writer) => WriteScope(writer, scope), json);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteScope(Utf8JsonWriter json, object? scope)
    {
        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            json.WriteStartObject();
            foreach (var (key, value) in pairs)
            {
                WriteValue(json, key, value);
            }
            json.WriteEndObject();
        }
        else if (scope is IEnumerable<KeyValuePair<string, object>> values)
        {
            json.WriteStartObject();
            foreach (var (key, value) in values)
            {
                WriteValue(json, key, value);
            }
            json.WriteEndObject();
        }
        else
        {
            json.WriteStringValue(scope?.ToString());
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case bool b: json.WriteBoolean(key, b); break;
            case int i: json.WriteNumber(key, i); break;
            case long l: json.WriteNumber(key, l); break;
            case double d: json.WriteNumber(key, d); break;
            case decimal m: json.WriteNumber(key, m); break;
            default: json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }
}
