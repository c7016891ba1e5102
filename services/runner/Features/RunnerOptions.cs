using System.ComponentModel.DataAnnotations;

namespace Cmp.Runner.Features;

/// <summary>Limits and behaviour of the runner's own API. Bound from <c>Runner</c>.</summary>
public sealed class RunnerOptions
{
    public const string Section = "Runner";

    /// <summary>The longest <c>input</c> accepted, in characters.</summary>
    [Range(1, 10_000_000)]
    public int MaxInputLength { get; set; } = 100_000;

    /// <summary>While a streamed run is silent (a model thinking, a tool call), a comment line is sent this often so
    /// proxies and load balancers do not cut the connection for idleness.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan StreamHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The largest flow document <c>PUT /v1/flows/{id}</c> accepts (exported flows embed component code).</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxFlowBytes { get; set; } = 16 * 1024 * 1024;
}
