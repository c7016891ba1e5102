using System.ComponentModel.DataAnnotations;

namespace Cmp.ControlPlane.Features.Instances;

/// <summary>How instances' flows are imported (and removed) in the background. Bound from <c>Provisioning</c>.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>Failed imports are retried this many times with exponential backoff before the instance is Failed.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 12;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>A claimed instance is someone else's for this long; if its worker dies, another takes over after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 10;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
