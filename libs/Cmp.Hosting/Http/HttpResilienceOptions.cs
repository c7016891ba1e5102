using System.ComponentModel.DataAnnotations;

namespace Cmp.Hosting.Http;

/// <summary>Timeouts, retries and circuit breaker for one outbound client. Bound from <c>Http:&lt;client&gt;</c>.</summary>
public sealed class HttpResilienceOptions
{
    /// <summary>Base address of the dependency (e.g. http://127.0.0.1:8081).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>One attempt may take this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>All attempts together, including backoff.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "02:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries for idempotent requests (GET/PUT/DELETE…, or any request with an Idempotency-Key).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two attempts, whatever the backoff or a Retry-After asks.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fraction of failed attempts in <see cref="SamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 20;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
