using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cmp.Saleor.Tests.Support;

/// <summary>Keeps every formatted log line, to check what is (and is not) logged.</summary>
public sealed class ListLogger : ILogger
{
    readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
}
