using System.ComponentModel.DataAnnotations;

namespace Cmp.Provisioner.Features.ProvisionOrder;

/// <summary>Bound from <c>Provisioning</c>.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>An agent-plan line asking for more instances than this is held for a human (dead letter with the reason).</summary>
    [Range(1, 10_000)]
    public int MaxUnitsPerLine { get; set; } = 100;

    /// <summary>Fulfil digital lines in Saleor once they are provisioned.</summary>
    public bool FulfilDigitalLines { get; set; } = true;
}
