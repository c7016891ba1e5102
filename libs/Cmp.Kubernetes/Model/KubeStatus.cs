namespace Cmp.Kubernetes.Model;

/// <summary><c>metav1.Status</c>: the body of every API error (and of watch ERROR events).</summary>
public sealed class KubeStatus
{
    public string? ApiVersion { get; set; } = "v1";
    public string? Kind { get; set; } = "Status";
    public string? Status { get; set; }
    public string? Message { get; set; }

    /// <summary>Machine-readable: <c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, <c>Invalid</c>, <c>Expired</c>, <c>Gone</c> …</summary>
    public string? Reason { get; set; }

    public StatusDetails? Details { get; set; }
    public int Code { get; set; }
}

public sealed class StatusDetails
{
    public string? Name { get; set; }
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string? Uid { get; set; }
    public List<StatusCause>? Causes { get; set; }
    public int? RetryAfterSeconds { get; set; }
}

public sealed class StatusCause
{
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public string? Field { get; set; }
}
