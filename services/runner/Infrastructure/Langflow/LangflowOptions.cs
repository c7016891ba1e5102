using System.ComponentModel.DataAnnotations;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// How the runner talks to Langflow, beyond <c>Http:langflow</c> (base address, timeouts, retries, breaker).
/// Bound from <c>Langflow</c>.
/// </summary>
public sealed class LangflowOptions
{
    public const string Section = "Langflow";

    /// <summary>
    /// The Langflow API key, sent as <c>x-api-key</c> (Langflow's <c>/run</c> ignores <c>Authorization</c>). Required;
    /// a secret: take it from a Kubernetes Secret, never from appsettings.json.
    /// </summary>
    public string ApiKey { get; set; } = "";

    /// <summary>A stream that delivers no event for this long is cut and reported as <c>langflow_timeout</c>.
    /// Langflow sends no heartbeats, so this must exceed the longest silent step of a flow (a slow tool call).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest single stream event accepted (the final event carries the whole result).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxStreamEventBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Establishing a TCP connection may take this long; without it an unreachable host would hold a run
    /// for the whole attempt timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
