using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cmp.Hosting;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;

namespace Cmp.Runner.Client;

/// <summary>
/// Reads the runner's server-sent events incrementally (standard SSE framing, via <see cref="SseParser"/>) and turns
/// them into <see cref="RunEvent"/>s. The sequence always ends with one end or error event: a stream that closes early,
/// stalls past the idle timeout or carries garbage becomes an error event, never an exception.
/// </summary>
static class RunnerEventStream
{
    public static async IAsyncEnumerable<RunEvent> ReadAsync(Stream body, TimeSpan idleTimeout, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = new IdleTimeoutStream(body, idleTimeout);
        var parser = SseParser.Create(stream, static (_, data) => data.ToArray());
        await using var items = parser.EnumerateAsync(ct).GetAsyncEnumerator(ct);
        while (true)
        {
            RunEvent? next;
            try
            {
                next = await items.MoveNextAsync()
                    ? Parse(items.Current.EventType, items.Current.Data)
                    : new RunErrorEvent(new Error(RunnerErrorCodes.RunnerStreamInterrupted,
                        "The runner's stream ended without an end or error event.", ErrorKind.Upstream));
            }
            catch (JsonException e)
            {
                next = new RunErrorEvent(new Error(RunnerErrorCodes.RunnerBadResponse,
                    $"The runner sent an event this client cannot read: {e.Message}", ErrorKind.Upstream));
            }
            catch (Exception e) when (!ct.IsCancellationRequested && RunnerProblems.FromTransport(e) is { } error)
            {
                next = new RunErrorEvent(error.Code == RunnerErrorCodes.RunnerUnavailable
                    ? new Error(RunnerErrorCodes.RunnerStreamInterrupted, $"The runner's stream broke off: {e.Message}", ErrorKind.Upstream)
                    : error);
            }
            if (next is null) continue;   // an event type this client does not know yet
            yield return next;
            if (next is RunEndEvent or RunErrorEvent) yield break;
        }
    }

    static RunEvent? Parse(string type, byte[] data) => type switch
    {
        RunStreamEvents.Token => new RunTokenEvent(Read<RunToken>(data).Text),
        RunStreamEvents.Message => new RunMessageEvent(Read<RunMessage>(data)),
        RunStreamEvents.End => new RunEndEvent(Read<RunResult>(data)),
        RunStreamEvents.Error => new RunErrorEvent(RunnerProblems.FromStreamError(Read<RunStreamError>(data))),
        _ => null,
    };

    static T Read<T>(byte[] data) =>
        JsonSerializer.Deserialize<T>(data, CmpDefaults.Json) ?? throw new JsonException($"The {typeof(T).Name} event is null.");
}
