using System.Text.Json.Serialization;

namespace Cmp.Kubernetes.Model;

/// <summary><c>coordination.k8s.io/v1</c> Lease: the lock leader election takes and renews.</summary>
public sealed class Lease : KubeObject, IKubeResource
{
    public static ResourceType Resource { get; } = new("coordination.k8s.io", "v1", "leases", "Lease");

    public LeaseSpec Spec { get; set; } = new();
}

public sealed class LeaseSpec
{
    public string? HolderIdentity { get; set; }
    public int? LeaseDurationSeconds { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; set; }

    public int? LeaseTransitions { get; set; }
}
