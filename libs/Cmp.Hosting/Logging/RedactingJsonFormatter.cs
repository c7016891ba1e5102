using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Cmp.Hosting.Logging;

/// <summary>
/// One JSON object per line (timestamp, level, category, message, structured state, scopes, exception) with every
/// string passed through <see cref="Redactor"/>. Stands in for Serilog's JSON sink, which is not available here.
/// </summary>
public sealed class RedactingJsonFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "cmp-json";

    readonly IDisposable? _reload;
    JsonConsoleFormatterOptions _options;

    public RedactingJsonFormatter(IOptionsMonitor<JsonConsoleFormatterOptions> options) : base(FormatterName)
    {
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = entry.Formatter?.Invoke(entry.State, entry.Exception);
        if (message is null && entry.Exception is null) return;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString(_options.TimestampFormat ?? "O", null));
            json.WriteString("level", entry.LogLevel.ToString());
            json.WriteString("category", entry.Category);
            if (entry.EventId.Id != 0) json.WriteNumber("eventId", entry.EventId.Id);
            json.WriteString("message", Redactor.Redact(message));
            if (entry.Exception is not null) json.WriteString("exception", Redactor.Redact(entry.Exception.ToString()));

            if (entry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
            {
                json.WriteStartObject("state");
                foreach (var (key, value) in state)
                    if (key != "{OriginalFormat}") WriteValue(json, key, value);
                json.WriteEndObject();
            }

            if (_options.IncludeScopes && scopeProvider is not null)
            {
                json.WriteStartObject("scopes");
                scopeProvider.ForEachScope(static (scope, w) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        foreach (var (key, value) in pairs) WriteValue(w, key, value);
                }, json);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write(Environment.NewLine);
    }

    static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        if (key == "{OriginalFormat}") return;
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case bool b: json.WriteBoolean(key, b); break;
            case int or long or short or byte or uint or ulong or double or float or decimal:
                json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            default:
                json.WriteString(key, Redactor.IsSecretName(key) ? Redactor.Mask : Redactor.Redact(value.ToString()));
                break;
        }
    }

    public void Dispose() => _reload?.Dispose();
}

/// <summary>Registers the formatter as the console's only output.</summary>
public static class LoggingExtensions
{
    public static ILoggingBuilder AddCmpJsonConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.FormatterName = RedactingJsonFormatter.FormatterName);
        logging.AddConsoleFormatter<RedactingJsonFormatter, JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        return logging;
    }
}
