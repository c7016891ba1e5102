namespace Cmp.Kubernetes.Model;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    /// <summary>Carries only a newer <c>resourceVersion</c> to resume from; no object changed.</summary>
    Bookmark,
    /// <summary>The watch failed; <see cref="WatchEvent{T}.Status"/> says why (410 = resume point too old: list again).</summary>
    Error,
}

/// <summary>One line of a watch stream.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, KubeStatus? Status = null)
{
    /// <summary>True when the watch can't resume from the requested resourceVersion and the caller must re-list.</summary>
    public bool IsGone => Type == WatchEventType.Error && Status?.Code == 410;
}
