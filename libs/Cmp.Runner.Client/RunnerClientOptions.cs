using System.ComponentModel.DataAnnotations;

namespace Cmp.Runner.Client;

/// <summary>Settings of the runner client beyond <c>Http:runner</c>. Bound from <c>RunnerClient</c>.</summary>
public sealed class RunnerClientOptions
{
    public const string Section = "RunnerClient";

    /// <summary>
    /// A stream that delivers nothing (not even the runner's keep-alive comments, sent every 15 s by default) for
    /// this long is treated as dead and ends with a <c>runner_timeout</c> error event.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
