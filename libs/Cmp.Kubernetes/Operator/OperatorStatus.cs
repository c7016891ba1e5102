namespace Cmp.Kubernetes.Operator;

/// <summary>What the operator is doing right now, for an admin endpoint or a health check.</summary>
public sealed class OperatorStatus
{
    volatile bool _leading;

    public OperatorSource? Source { get; internal set; }

    /// <summary>True while this replica runs the controllers (always true in file mode or without leader election).</summary>
    public bool IsLeader { get => _leading; internal set => _leading = value; }

    public string? Identity { get; internal set; }

    public IReadOnlyList<IController> Controllers { get; internal set; } = [];
}
