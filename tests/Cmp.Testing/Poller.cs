namespace Cmp.Testing;

/// <summary>Waits for asynchronous work by polling a probe until it holds or a timeout passes (never a bare sleep).</summary>
public static class Poller
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        await ValueAsync(async () => await probe() ? true : (bool?)null, what, timeout, interval);
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value (for value types: <c>T?</c> with a value).</summary>
    public static async Task<T> StructAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
        where T : struct =>
        (await ValueAsync<object>(async () => await probe() is { } v ? v : null, what, timeout, interval) as T?)!.Value;

    /// <summary>Polls until <paramref name="probe"/> returns a non-null value and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var wait = interval ?? TimeSpan.FromMilliseconds(50);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                last = e;
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:F0}s waiting for {what}." +
                                           (last is null ? "" : $" Last error: {last.GetType().Name}: {last.Message}"), last);
            await Task.Delay(wait);
            if (wait < TimeSpan.FromMilliseconds(500)) wait *= 1.5;
        }
    }
}
