using System.Text.Json;
using Cmp.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Cmp.Hosting.Tests.Logging;

public sealed class RedactingJsonFormatterTests
{
    [Fact]
    public void Writes_one_json_object_per_line_with_structured_state_redacted()
    {
        var formatter = new RedactingJsonFormatter(new StaticMonitor(new JsonConsoleFormatterOptions { IncludeScopes = true }));
        var state = new List<KeyValuePair<string, object?>>
        {
            new("Email", "jane@example.com"),
            new("ApiKey", "anything-at-all"),
            new("Credits", 500),
            new("{OriginalFormat}", "Granted {Credits} to {Email}"),
        };
        var entry = new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Information, "Test", new EventId(7), state, null,
            (_, _) => "Granted 500 to jane@example.com with key cmp_abcdefghijkl");
        using var writer = new StringWriter();

        formatter.Write(entry, new LoggerExternalScopeProvider(), writer);

        var line = writer.ToString().TrimEnd();
        line.Should().NotContain("\n");
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        root.GetProperty("level").GetString().Should().Be("Information");
        root.GetProperty("eventId").GetInt32().Should().Be(7);
        root.GetProperty("message").GetString().Should().Be("Granted 500 to ***@example.com with key cmp_[REDACTED]");
        root.GetProperty("state").GetProperty("Email").GetString().Should().Be("***@example.com");
        root.GetProperty("state").GetProperty("ApiKey").GetString().Should().Be(Redactor.Mask);
        root.GetProperty("state").GetProperty("Credits").GetString().Should().Be("500");
    }

    [Fact]
    public void Exceptions_are_redacted_too()
    {
        var formatter = new RedactingJsonFormatter(new StaticMonitor(new JsonConsoleFormatterOptions()));
        var entry = new LogEntry<string>(LogLevel.Error, "Test", default, "x", new InvalidOperationException("card 4242424242424242 refused"),
            (_, _) => "failed");
        using var writer = new StringWriter();

        formatter.Write(entry, null, writer);

        writer.ToString().Should().NotContain("4242424242424242").And.Contain("[REDACTED]");
    }

    [Fact]
    public void The_formatter_is_the_console_default_after_registration()
    {
        var services = new ServiceCollection().AddLogging(l => l.AddCmpJsonConsole()).BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value;

        options.FormatterName.Should().Be(RedactingJsonFormatter.FormatterName);
        services.GetServices<ConsoleFormatter>().Should().Contain(f => f is RedactingJsonFormatter);
    }

    sealed class StaticMonitor(JsonConsoleFormatterOptions value) : IOptionsMonitor<JsonConsoleFormatterOptions>
    {
        public JsonConsoleFormatterOptions CurrentValue => value;
        public JsonConsoleFormatterOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<JsonConsoleFormatterOptions, string?> listener) => null;
    }
}
